// awsprof validate: every problem in the config and credentials files, in one pass.
#include <iostream>
#include <optional>
#include <string>

#include "awsprof/model/settings_catalogue.hpp"
#include "awsprof/checks/validate.hpp"
#include "common/findings.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

int main(int argc, char** argv) {
  using namespace awsprof;
  using namespace awsprof::tool;
  Tool tool("validate",
            "Check the config and credentials files: structure, settings, profiles and dialects.");
  FindingsFlags flags(tool);
  tool.app().remove_option(tool.app().get_option_no_throw("--profile"));  // every profile is checked
  if (auto exit = tool.parse(argc, argv)) return *exit;
  const ToolContext& context = tool.context();
  RealFileSystem fs;
  std::optional<RuleConfig> rules = load_rules(tool, flags, fs);
  std::optional<Document> config, credentials;
  if (!rules || !load_context_documents(tool, fs, config, credentials) ||
      !named_files_exist(tool, config.has_value(), credentials.has_value())) {
    return exit_code(Outcome::error);
  }
  const std::vector<FindingSource> sources{{context.config_path, config ? &*config : nullptr},
                                           {context.credentials_path, credentials ? &*credentials : nullptr}};
  Diagnostics findings =
      validate(InputFile(sources[0].path, sources[0].document), InputFile(sources[1].path, sources[1].document),
               context.dialect, builtin_catalogue());
  return report_findings(tool, flags, *rules, std::move(findings), sources, source_lines(sources),
                         {"awsprof validate", {"parse.", "validate."}});
}
