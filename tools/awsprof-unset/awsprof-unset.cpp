// awsprof unset: removes keys from the AWS config and credentials files, and a section once it is
// empty; the KEY forms are those of `awsprof set`.
#include <string>
#include <vector>

#include "common/config_target.hpp"
#include "common/edit.hpp"
#include "common/tool.hpp"

int main(int argc, char** argv) {
  using namespace awsprof;
  using namespace awsprof::tool;
  Tool tool("unset", "Remove keys from the AWS config and credentials files.");
  SectionFlags sections(tool);
  EditFlags flags(tool, "Edit files the AWS CLI cannot parse");
  std::vector<std::string> keys;
  tool.app().add_option("KEY", keys, "The keys to remove")->required();
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (std::string problem = sections.check(tool); !problem.empty()) return usage_error(tool, problem);

  std::vector<PlannedChange> changes;
  bool ok = true;
  for (const std::string& key : keys) {
    Result<ResolvedKey> where = resolve_key_argument(tool, sections, key);
    if (!where) {
      ok = false;
      tool.fail(where.message());
      continue;
    }
    changes.push_back({std::move(*where), std::nullopt});
  }
  if (!ok) return exit_code(Outcome::error);
  std::vector<ChangeReport> reports;
  auto edit = [&](ConfigFiles& files) {
    reports.clear();
    return apply_planned(tool, files, changes, reports);
  };
  auto summary = [&]() { return nlohmann::ordered_json{{"changes", reports_to_json(reports)}}; };
  return run_edit(tool, flags, edit, summary);
}
