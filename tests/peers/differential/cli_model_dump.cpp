// Prints the cli-dialect model of a config file plus a credentials file as JSON, in the shape
// differential.py builds from botocore:
//
//   {"profiles": [[name, {key: value | {sub_key: sub_value}}], ...],
//    "sso_sessions": {name: {...}}, "services": {name: {...}}}
//   or {"error": true} when the model says the AWS CLI refuses a file.
//
// Usage:  cli_model_dump CONFIG CREDENTIALS      one pair; a path that does not exist is a missing file
//         cli_model_dump --batch MANIFEST        one "CONFIG<TAB>CREDENTIALS" pair per line, one JSON
//                                                line out per pair
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "awsprof/syntax/document.hpp"
#include "awsprof/model/profile_model.hpp"

namespace {

using nlohmann::ordered_json;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ordered_json value_of(const awsprof::Setting& setting) {
  if (!setting.sub_properties) return setting.value;
  ordered_json nested = ordered_json::object();
  for (const auto& sub : *setting.sub_properties) {
    if (nested.contains(sub.key)) nested["__awsprof_duplicate_sub_keys__"].push_back(sub.key);
    nested[sub.key] = sub.value;
  }
  return nested;
}

ordered_json settings_of(const awsprof::Section& section) {
  ordered_json settings = ordered_json::object();
  for (const auto& setting : section.settings) {
    // A duplicate would vanish in a JSON object; make it visible instead.
    if (settings.contains(setting.key)) settings["__awsprof_duplicate_keys__"].push_back(setting.key);
    settings[setting.key] = value_of(setting);
  }
  return settings;
}

ordered_json sections_of(const std::vector<awsprof::Section>& sections) {
  ordered_json out = ordered_json::object();
  for (const auto& section : sections) {
    if (out.contains(section.name)) out["__awsprof_duplicate_sections__"].push_back(section.name);
    out[section.name] = settings_of(section);
  }
  return out;
}

std::string dump_pair(const std::string& config_path, const std::string& credentials_path) {
  std::optional<awsprof::Document> config_doc;
  std::optional<awsprof::Document> credentials_doc;
  if (auto bytes = read_file(config_path)) config_doc = awsprof::Document::parse(std::move(*bytes));
  if (auto bytes = read_file(credentials_path)) credentials_doc = awsprof::Document::parse(std::move(*bytes));
  awsprof::InputFile config(config_path, config_doc ? &*config_doc : nullptr);
  awsprof::InputFile credentials(credentials_path, credentials_doc ? &*credentials_doc : nullptr);
  const auto model = awsprof::build_profile_model(config, credentials, awsprof::Dialect::cli);

  ordered_json out = ordered_json::object();
  if (model.unreadable()) {
    out["error"] = true;
  } else {
    out["profiles"] = ordered_json::array();
    for (const auto& profile : model.profiles)
      out["profiles"].push_back({profile.name, settings_of(profile)});
    out["sso_sessions"] = sections_of(model.sso_sessions);
    out["services"] = sections_of(model.services);
  }
  // Invalid UTF-8 in a value is shown as U+FFFD rather than aborting the dump.
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage = "usage: cli_model_dump CONFIG CREDENTIALS | cli_model_dump --batch MANIFEST\n";
  if (argc == 3 && std::string(argv[1]) == "--batch") {
    auto manifest = read_file(argv[2]);
    if (!manifest) {
      std::cerr << "error: cannot read " << argv[2] << "\n";
      return 2;
    }
    std::istringstream in(*manifest);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto tab = line.find('\t');
      if (tab == std::string::npos) {
        std::cerr << "error: manifest line without a tab: " << line << "\n";
        return 2;
      }
      std::cout << dump_pair(line.substr(0, tab), line.substr(tab + 1)) << "\n";
    }
    return 0;
  }
  if (argc == 3) {
    std::cout << dump_pair(argv[1], argv[2]) << "\n";
    return 0;
  }
  std::cerr << usage;
  return 2;
}
