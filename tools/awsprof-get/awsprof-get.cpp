// awsprof get: `aws configure get KEY`, byte for byte: the same stdout, stderr and exit status.
#include <iostream>
#include <string>

#include "awsprof/model/config_query.hpp"
#include "awsprof/support/secrets.hpp"
#include "common/config_target.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;
using GetOutcome = ConfigGetResult::Outcome;

/// The AWS CLI's exit status for a profile it cannot find or a name it cannot split.
constexpr int kCliErrorExit = 255;

ConfigGetResult query(const LoadedProfiles& loaded, const Tool& tool, const SectionFlags& sections,
                      const std::string& key) {
  const ProfileModel& model = loaded.model;
  if (std::optional<EditTarget> target = sections.target()) {
    if (target->kind == EditTarget::Kind::sso_session)
      return section_get(model.find_sso_session(target->name), "sso-session", target->name, key, model.dialect);
    return section_get(model.find_services(target->name), "services", target->name, key, model.dialect);
  }
  const SelectedProfile& profile = tool.context().profile;
  // Like the CLI, a missing [default] is only an error when the default profile was named.
  std::optional<std::string> selected;
  if (profile.source != ProfileSource::default_name) selected = profile.name;
  return configure_get(model, key, selected);
}

void print_json_result(const Tool& tool, const std::string& key, const ConfigGetResult& result) {
  const ToolContext& context = tool.context();
  nlohmann::ordered_json json{{"name", key}};
  if (result.outcome == GetOutcome::value) {
    json["value"] = result.value;
  } else {
    json["value"] = nullptr;
  }
  std::size_t dot = key.rfind('.');
  json["secret"] = is_secret_key(dot == std::string::npos ? key : key.substr(dot + 1));
  if (result.outcome == GetOutcome::value && result.source) {
    bool config = result.source->file == FileKind::config;
    json["source"] = {{"file", to_string(result.source->file)},
                      {"path", config ? context.config_path : context.credentials_path},
                      {"line", result.source->line}};
  } else {
    json["source"] = nullptr;
  }
  print_json(std::cout, json);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("get", "Print one setting from the AWS config files, as `aws configure get` does.");
  SectionFlags sections(tool);
  std::string key;
  tool.app()
      .add_option("KEY", key, "The setting: KEY, BLOCK.SUBKEY, default.KEY or profile.NAME.KEY")
      ->required();
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (std::string problem = sections.check(tool); !problem.empty()) return usage_error(tool, problem);
  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);

  ConfigGetResult result = query(*loaded, tool, sections, key);
  switch (result.outcome) {
    case GetOutcome::value:
    case GetOutcome::not_set:
      if (tool.context().output == OutputFormat::json) {
        print_json_result(tool, key, result);
      } else if (result.outcome == GetOutcome::value) {
        std::cout << result.value << '\n';
      }
      return exit_code(result.outcome == GetOutcome::value ? Outcome::ok : Outcome::findings);
    case GetOutcome::not_a_value:
      std::cerr << result.message;  // the CLI writes this one without a newline
      return exit_code(Outcome::findings);
    case GetOutcome::profile_not_found:
    case GetOutcome::bad_name:
      std::cerr << '\n' << result.message << '\n';
      return kCliErrorExit;
  }
  return exit_code(Outcome::error);
}
