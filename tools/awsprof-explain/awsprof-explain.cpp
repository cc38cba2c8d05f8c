// awsprof explain: where each effective setting of the selected profile comes from, what it
// shadows, and which credential provider wins.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "awsprof/checks/explain.hpp"
#include "awsprof/credentials/profile_graph.hpp"
#include "awsprof/model/settings_catalogue.hpp"
#include "common/format.hpp"
#include "common/graph_format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;
using Json = nlohmann::ordered_json;

/// The rows `aws configure list` prints, and the settings they show.
constexpr std::pair<const char*, const char*> kListRows[] = {
    {"access_key", "aws_access_key_id"}, {"secret_key", "aws_secret_access_key"}, {"region", "region"}};

/// The AWS CLI's global options, as explain accepts them. Storage is stable (std::map nodes).
struct GlobalFlags {
  std::map<std::string, std::optional<std::string>> values;
  std::map<std::string, bool> switches;

  void add_to(CLI::App& app) {
    for (const GlobalOptionSpec& option : builtin_catalogue().options()) {
      if (option.name == "--version" || option.name == "--profile" || option.name == "--output") continue;
      std::string help = "AWS CLI global option: " + option.description;
      if (option.setting.empty() && option.overrides.empty()) help += " (accepted and ignored)";
      if (option.value == "flag") {
        app.add_flag(option.name, switches[option.name], help)->group("AWS CLI global options");
      } else {
        app.add_option(option.name, values[option.name], help)
            ->type_name("VALUE")
            ->group("AWS CLI global options");
      }
    }
  }

  std::vector<FlagValue> given() const {
    std::vector<FlagValue> flags;
    const SettingsCatalogue& catalogue = builtin_catalogue();
    for (const GlobalOptionSpec& option : catalogue.options()) {
      if (auto it = values.find(option.name); it != values.end() && it->second && !option.setting.empty())
        flags.push_back({option.setting, option.name, *it->second});
      auto on = switches.find(option.name);
      if (on == switches.end() || !on->second) continue;
      if (!option.setting.empty()) {
        flags.push_back({option.setting, option.name, option.name.starts_with("--no-") ? "off" : "on"});
      } else {
        // A switch that turns a setting off (--no-cli-pager: cli_pager is empty).
        for (const std::string& overridden : option.overrides)
          if (const SettingSpec* spec = catalogue.find(overridden); spec && spec->flag == option.name)
            flags.push_back({overridden, option.name, ""});
      }
    }
    return flags;
  }
};

/// The shown form of a location: "" stays "" (as the CLI leaves it blank).
std::string row(std::string_view name, std::string_view value, std::string_view type,
                std::string_view location) {
  // `aws configure list`'s columns ("%10s %24s %16s"), measured on what the terminal shows.
  return align_right(name, 10) + " " + align_right(value, 24) + " " + align_right(type, 16) + "    " +
         std::string(location) + "\n";
}

void print_setting_rows(std::ostream& out, std::string_view label, const SettingExplanation& s) {
  out << row(label, s.value, s.source.type, s.source.location);
  for (const SourcedValue& shadowed : s.overridden)
    out << row("(shadows)", shadowed.value, shadowed.source.type, shadowed.source.location);
}

/// The settings asked for on the command line: each name, and the label its row takes (as typed:
/// "access_key" is shown as access_key, though it stands for aws_access_key_id).
struct Requested {
  std::vector<std::string> names;
  std::vector<std::string> labels;
  std::string label_of(const std::string& name) const {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? name : labels[static_cast<std::size_t>(it - names.begin())];
  }
};

void print_text(std::ostream& out, const Explanation& e, const Requested& requested) {
  const std::vector<std::string>& only = requested.names;
  out << row("Name", "Value", "Type", "Location") << row("----", "-----", "----", "--------");
  out << row("profile", e.profile.name, e.profile.source.type, e.profile.source.location);
  std::vector<std::string> shown;
  auto method = e.credentials.method ? std::string(method_name(*e.credentials.method)) : std::string("None");
  if (only.empty()) {
    for (auto [label, name] : kListRows) {
      shown.push_back(name);
      if (const SettingExplanation* s = e.find(name)) {
        print_setting_rows(out, label, *s);
      } else if (std::string_view(name) != "region" && e.credentials.method &&
                 *e.credentials.method != CredentialMethod::env &&
                 *e.credentials.method != CredentialMethod::shared_credentials_file &&
                 *e.credentials.method != CredentialMethod::config_file) {
        out << row(label, "<at run time>", method, "");
      } else {
        out << row(label, "<not set>", "None", "None");
      }
    }
  }
  for (const SettingExplanation& s : e.settings)
    if (std::find(shown.begin(), shown.end(), s.name) == shown.end())
      print_setting_rows(out, requested.label_of(s.name), s);
  for (const std::string& name : only)
    if (e.find(name) == nullptr) out << row(requested.label_of(name), "<not set>", "None", "None");

  out << "\ncredential provider: " << (e.credentials.method ? method : "none") << '\n';
  for (const SkippedProvider& skipped : e.credentials.skipped)
    out << "  not " << method_name(skipped.method) << ": " << skipped.reason << '\n';
  for (const std::string& note : e.credentials.notes) out << "  note: " << note << '\n';
  if (!e.credentials.error.empty()) out << "  error: " << e.credentials.error << '\n';
}

/// The profile's chain in the files (graph's --profile view), or nothing when the profile is not
/// defined.
struct FileChain {
  ProfileGraph graph;
  std::vector<std::size_t> nodes;
};

FileChain file_chain(const ProfileModel& model, const std::string& profile) {
  FileChain chain{build_profile_graph(model), {}};
  if (auto node = chain.graph.find_profile(profile)) chain.nodes = chain.graph.chain(*node);
  return chain;
}

/// "chain in the files: default (static) -> prod-admin (assume-role, MFA)", and the problems of its
/// links, when the profile is signed by something else.
void print_file_chain(std::ostream& out, const FileChain& chain) {
  if (chain.nodes.size() < 2) return;
  out << "chain in the files: " << chain_line(chain.graph, chain.nodes) << '\n';
  for (const ProfileGraph::LinkProblem& link : chain.graph.chain_problems(chain.nodes.back()))
    out << "  problem: " << chain.graph.nodes[link.node].name << ": " << link.problem << '\n';
}

Json file_chain_json(const FileChain& chain) {
  Json nodes = Json::array();
  for (std::size_t node : chain.nodes) nodes.push_back(node_json(chain.graph, node));
  return nodes;
}

Json source_json(const ValueSource& source) {
  return Json{{"type", source.type},
              {"location", source.location.empty() ? Json(nullptr) : Json(source.location)},
              {"line", source.line > 0 ? Json(source.line) : Json(nullptr)}};
}

Json to_json(const Explanation& e, const FileChain& chain) {
  Json settings = Json::array();
  for (const SettingExplanation& s : e.settings) {
    Json overridden = Json::array();
    for (const SourcedValue& v : s.overridden)
      overridden.push_back({{"value", v.value}, {"source", source_json(v.source)}});
    settings.push_back({{"name", s.name},
                        {"value", s.value},
                        {"source", source_json(s.source)},
                        {"overridden", overridden}});
  }
  Json skipped = Json::array();
  for (const SkippedProvider& p : e.credentials.skipped)
    skipped.push_back({{"method", method_name(p.method)}, {"reason", p.reason}});
  Json credentials{
      {"method", e.credentials.method ? Json(method_name(*e.credentials.method)) : Json(nullptr)},
      {"skipped", skipped},
      {"notes", e.credentials.notes},
      {"error", e.credentials.error.empty() ? Json(nullptr) : Json(e.credentials.error)}};
  return Json{{"profile", {{"name", e.profile.name}, {"source", source_json(e.profile.source)}}},
              {"settings", settings},
              {"credentials", credentials},
              {"chain", file_chain_json(chain)}};
}

/// "access_key" and "secret_key", as `aws configure list` names them, stand for the keys.
std::string setting_name(const std::string& argument) {
  for (auto [label, name] : kListRows)
    if (argument == label) return name;
  return argument;
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool(
      "explain",
      "Explain where each setting of the selected profile comes from, what it shadows, and which credential "
      "provider wins.");
  std::vector<std::string> requested;
  tool.app().add_option("SETTING", requested, "Only these settings (default: every setting with a value)");
  GlobalFlags globals;
  globals.add_to(tool.app());
  if (auto exit = tool.parse(argc, argv)) return *exit;

  const SettingsCatalogue& catalogue = builtin_catalogue();
  Requested asked;
  std::vector<std::string>& only = asked.names;
  for (const std::string& argument : requested) {
    std::string name = setting_name(argument);
    const SettingSpec* spec = catalogue.find(name);
    if (spec == nullptr || spec->type == SettingType::block) {
      std::string message = "unknown setting '" + argument + "'";
      std::vector<std::string> close = catalogue.suggest(argument);
      if (!close.empty()) {
        message += " (did you mean ";
        for (std::size_t i = 0; i < close.size(); ++i) message += (i ? ", " : "") + close[i];
        message += "?)";
      }
      tool.fail(message);
      std::cerr << "Run '" << tool.display_name() << " --help' for usage.\n";
      return exit_code(Outcome::error);
    }
    only.push_back(name);
    asked.labels.push_back(argument);
  }

  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  const ToolContext& context = tool.context();
  if (named_but_missing(context.profile, loaded->model))
    return tool.fail(missing_profile_message(loaded->model, context.profile.name));
  ExplainInput input;
  loaded->parse_layout();  // for the lines of sub-properties
  input.config = loaded->config;
  input.credentials = loaded->credentials;
  input.profile = context.profile;
  input.env = tool.env();
  input.flags = globals.given();
  input.only = only;
  Result<Explanation> explanation = explain_profile(input);
  if (!explanation) return tool.fail(explanation.message());

  const FileChain chain = file_chain(loaded->model, context.profile.name);
  if (context.output == OutputFormat::json) {
    print_json(std::cout, to_json(*explanation, chain));
  } else {
    print_text(std::cout, *explanation, asked);
    if (only.empty()) print_file_chain(std::cout, chain);
  }
  bool missing = false;
  for (const std::string& name : only) missing = missing || explanation->find(name) == nullptr;
  bool credentials_asked =
      only.empty() || std::any_of(only.begin(), only.end(), [](const std::string& n) {
        return n == "aws_access_key_id" || n == "aws_secret_access_key" || n == "aws_session_token";
      });
  bool broken = credentials_asked && !explanation->credentials.error.empty();
  return exit_code(missing || broken ? Outcome::findings : Outcome::ok);
}
