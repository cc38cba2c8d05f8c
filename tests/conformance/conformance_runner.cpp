// Runs the peer test vectors in <shared>/peer-tests against libconfig.
//
//   conformance_runner --shared-dir DIR --exceptions FILE [--suite NAME]...
//
// Suites: profile-parser (sdk dialect), file-location (locations.hpp), botocore-cfg (cli dialect).
// Cases listed in the exceptions file ("suite<TAB>case name<TAB>reason") are expected to fail; one
// that passes is reported as unexpectedly passing and fails the run, so the list cannot rot.
// Exit status: 0 when every case passed or failed as excepted, 1 otherwise, 2 on usage or I/O errors.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/syntax/document.hpp"
#include "awsprof/platform/locations.hpp"
#include "awsprof/model/profile_model.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Exception {
  std::string suite;
  std::string name;
  std::string reason;
  bool seen = false;
};

/// The outcome of one case: passed (empty failure), failed (why), or not applicable (note).
struct Outcome {
  bool applicable = true;
  std::string failure;  ///< Empty when passed.
  std::string note;     ///< Why not applicable.
};

struct SuiteReport {
  std::string name;
  int total = 0;
  int passed = 0;
  int not_applicable = 0;
  int excepted = 0;  ///< Failed, as the exceptions file says.
  int unexpected_pass = 0;
  int failed = 0;  ///< Failed, not excepted.
};

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<Exception> read_exceptions(const fs::path& path, bool& ok) {
  std::vector<Exception> result;
  ok = true;
  auto text = read_file(path);
  if (!text) {
    std::cerr << "error: cannot read exceptions file " << path << "\n";
    ok = false;
    return result;
  }
  std::istringstream in(*text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto tab1 = line.find('\t');
    auto tab2 = tab1 == std::string::npos ? std::string::npos : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos || tab2 + 1 >= line.size()) {
      std::cerr << path.string() << ":" << number << ": error: expected suite<TAB>case name<TAB>reason\n";
      ok = false;
      continue;
    }
    result.push_back({line.substr(0, tab1), line.substr(tab1 + 1, tab2 - tab1 - 1), line.substr(tab2 + 1)});
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Model to JSON, in the shapes the vectors use.

/// name -> key -> value (a block's raw text), as profile-parser-tests.json writes it.
json flat_sections(const std::vector<awsprof::Section>& sections, std::string& duplicates) {
  json out = json::object();
  for (const auto& section : sections) {
    if (out.contains(section.name)) duplicates += " duplicate section '" + std::string(section.name) + "' in model;";
    json settings = json::object();
    for (const auto& setting : section.settings) {
      if (settings.contains(setting.key))
        duplicates += " duplicate key '" + std::string(setting.key) + "' in '" + std::string(section.name) + "';";
      settings[setting.key] = setting.value;
    }
    out[section.name] = settings;
  }
  return out;
}

/// A setting as botocore returns it: a string, or a dict of sub-properties.
json cli_value(const awsprof::Setting& setting) {
  if (!setting.sub_properties) return setting.value;
  json nested = json::object();
  for (const auto& sub : *setting.sub_properties) nested[sub.key] = sub.value;
  return nested;
}

json cli_sections(const std::vector<awsprof::Section>& sections) {
  json out = json::object();
  for (const auto& section : sections) {
    json settings = json::object();
    for (const auto& setting : section.settings) settings[setting.key] = cli_value(setting);
    out[section.name] = settings;
  }
  return out;
}

std::string error_messages(const awsprof::Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (d.severity != awsprof::Severity::error) continue;
    if (!out.empty()) out += " | ";
    out += d.rule_id + ": " + d.message;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// profile-parser-tests.json, sdk dialect.

Outcome run_profile_parser_case(const json& test) {
  const json& input = test.at("input");
  const json& output = test.at("output");
  std::optional<awsprof::Document> config_doc;
  std::optional<awsprof::Document> credentials_doc;
  if (input.contains("configFile"))
    config_doc = awsprof::Document::parse(input["configFile"].get<std::string>());
  if (input.contains("credentialsFile")) {
    credentials_doc = awsprof::Document::parse(input["credentialsFile"].get<std::string>());
  }
  awsprof::InputFile config("config", config_doc ? &*config_doc : nullptr);
  awsprof::InputFile credentials("credentials", credentials_doc ? &*credentials_doc : nullptr);
  auto model = awsprof::build_profile_model(config, credentials, awsprof::Dialect::sdk);

  if (output.contains("errorContaining")) {
    if (!awsprof::has_errors(model.diagnostics)) {
      return {true,
              "expected an error (upstream text: \"" + output["errorContaining"].get<std::string>() +
                  "\"), the model reports none",
              {}};
    }
    return {};
  }
  std::string failure;
  if (awsprof::has_errors(model.diagnostics)) {
    failure += " unexpected error diagnostics: " + error_messages(model.diagnostics) + ";";
  }
  std::string duplicates;
  json actual_profiles = flat_sections(model.profiles, duplicates);
  json actual_sessions = flat_sections(model.sso_sessions, duplicates);
  failure += duplicates;
  const json& expected = output.at("config");
  json expected_profiles = expected.value("profiles", json::object());
  json expected_sessions = expected.value("sso_sessions", json::object());
  if (actual_profiles != expected_profiles) {
    failure += " profiles: expected " + expected_profiles.dump() + ", got " + actual_profiles.dump() + ";";
  }
  if (actual_sessions != expected_sessions) {
    failure +=
        " sso_sessions: expected " + expected_sessions.dump() + ", got " + actual_sessions.dump() + ";";
  }
  return {true, failure, {}};
}

// ---------------------------------------------------------------------------------------------
// file-location-tests.json, via locations.hpp.

Outcome run_file_location_case(const json& test) {
  if (test.at("platform").get<std::string>() != "linux") {
    return {false, {}, "platform " + test["platform"].get<std::string>()};
  }
  std::map<std::string, std::string> vars = test.at("environment").get<std::map<std::string, std::string>>();
  awsprof::EnvLookup env = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  std::string failure;
  auto config = awsprof::config_file_path(env);
  auto credentials = awsprof::credentials_file_path(env);
  if (config != test.at("configLocation").get<std::string>()) {
    failure += " config: expected " + test["configLocation"].dump() + ", got \"" + config + "\";";
  }
  if (credentials != test.at("credentialsLocation").get<std::string>()) {
    failure +=
        " credentials: expected " + test["credentialsLocation"].dump() + ", got \"" + credentials + "\";";
  }
  if (test.contains("profile")) {
    auto selected = awsprof::select_profile(env);
    if (selected.name != test["profile"].get<std::string>()) {
      failure += " profile: expected " + test["profile"].dump() + ", got \"" + selected.name + "\";";
    }
  }
  return {true, failure, {}};
}

// ---------------------------------------------------------------------------------------------
// botocore-cfg/ with expected.json, cli dialect.

struct LoadedFile {
  std::optional<awsprof::Document> document;
  awsprof::ProfileModel model;
};

/// Reads one fixture as the config file (no credentials file). A missing file is no document.
bool load_cli(const fs::path& path, LoadedFile& loaded) {
  auto bytes = read_file(path);
  if (bytes) loaded.document = awsprof::Document::parse(std::move(*bytes));
  awsprof::InputFile config(path.string(), loaded.document ? &*loaded.document : nullptr);
  awsprof::InputFile credentials{"", nullptr};
  loaded.model = awsprof::build_profile_model(config, credentials, awsprof::Dialect::cli);
  return bytes.has_value();
}

/// Checks expected profile -> key -> value (string or nested dict) against the model's sections.
void check_values(const json& expected, const std::vector<awsprof::Section>& sections, const char* what,
                  bool raw, std::string& failure) {
  for (const auto& [name, keys] : expected.items()) {
    // A copy: clang 14, which builds the sanitizer variant, cannot capture a structured binding.
    const std::string profile_name = name;
    auto section = std::find_if(sections.begin(), sections.end(),
                                [&](const auto& s) { return s.name == profile_name; });
    if (section == sections.end()) {
      failure += std::string(" ") + what + " '" + name + "' missing;";
      continue;
    }
    for (const auto& [key, value] : keys.items()) {
      const awsprof::Setting* setting = section->find(key);
      if (setting == nullptr) {
        failure += std::string(" ") + what + " '" + name + "': key '" + key + "' missing;";
        continue;
      }
      json actual = raw ? json(setting->value) : cli_value(*setting);
      if (actual != value) {
        failure += std::string(" ") + what + " '" + name + "' key '" + key + "'" + (raw ? " (raw)" : "") +
                   ": expected " + value.dump() + ", got " + actual.dump() + ";";
      }
    }
  }
}

void check_sections_exactly(const json& expected, const std::vector<awsprof::Section>& sections,
                            const char* what, std::string& failure) {
  json actual = cli_sections(sections);
  if (actual != expected) {
    failure += std::string(" ") + what + ": expected " + expected.dump() + ", got " + actual.dump() + ";";
  }
}

json profile_names(const std::vector<awsprof::Section>& profiles) {
  json names = json::array();
  for (const auto& p : profiles) names.push_back(p.name);
  return names;
}

std::string botocore_case_name(const json& c) {
  if (c.contains("file")) return c["file"].get<std::string>();
  std::string name = "multi_file_load(";
  bool first = true;
  for (const auto& f : c.at("files_in_order")) {
    if (!first) name += ",";
    name += f.get<std::string>();
    first = false;
  }
  return name + ")";
}

Outcome run_botocore_case(const json& c, const fs::path& dir) {
  if (c.value("unused", false)) return {false, {}, "expected.json states no expectation (unused upstream)"};
  std::string failure;

  if (c.value("multi_file_load", false)) {
    // botocore's multi_file_load_config: a profile comes whole from the first file defining it;
    // missing files are skipped. libconfig has no multi-file API, so merge here.
    std::vector<awsprof::Section> merged;
    std::vector<LoadedFile> loaded(c.at("files_in_order").size());
    std::size_t i = 0;
    for (const auto& f : c["files_in_order"]) {
      auto& file = loaded[i++];
      const std::string name = f.get<std::string>();
      const bool exists = load_cli(name == "<missing file>" ? dir / "does-not-exist" : dir / name, file);
      if (!exists) continue;
      if (file.model.unreadable())
        failure += " " + name + " unreadable: " + error_messages(file.model.diagnostics) + ";";
      for (const auto& profile : file.model.profiles) {
        bool present =
            std::any_of(merged.begin(), merged.end(), [&](const auto& s) { return s.name == profile.name; });
        if (!present) merged.push_back(profile);
      }
    }
    if (c.contains("values")) check_values(c["values"], merged, "profile", false, failure);
    return {true, failure, {}};
  }

  LoadedFile file;
  const std::string name = c.at("file").get<std::string>();
  if (!load_cli(dir / name, file)) return {true, " cannot read " + (dir / name).string(), {}};
  const auto& model = file.model;

  if (c.value("parse_error", false)) {
    if (!model.config_unreadable)
      failure += " expected config_unreadable (botocore raises ConfigParseError);";
    if (!awsprof::has_errors(model.diagnostics)) failure += " expected an error diagnostic;";
    return {true, failure, {}};
  }
  if (model.unreadable()) {
    failure += " unexpectedly unreadable: " + error_messages(model.diagnostics) + ";";
  }
  if (c.contains("profiles")) {
    json names = profile_names(model.profiles);
    if (names != c["profiles"])
      failure += " profiles: expected " + c["profiles"].dump() + ", got " + names.dump() + ";";
  }
  if (c.contains("raw_sections")) {
    json headers = json::array();
    for (const auto& section : file.document->sections()) {
      headers.push_back(std::string(file.document->key_of(section.header)));
    }
    if (headers != c["raw_sections"]) {
      failure += " raw section names: expected " + c["raw_sections"].dump() + ", got " + headers.dump() + ";";
    }
  }
  if (c.contains("values")) check_values(c["values"], model.profiles, "profile", false, failure);
  if (c.contains("raw_values_without_subsection_parsing")) {
    check_values(c["raw_values_without_subsection_parsing"], model.profiles, "profile", true, failure);
  }
  if (c.contains("sso_sessions"))
    check_sections_exactly(c["sso_sessions"], model.sso_sessions, "sso_sessions", failure);
  if (c.contains("services")) check_sections_exactly(c["services"], model.services, "services", failure);
  return {true, failure, {}};
}

// ---------------------------------------------------------------------------------------------

struct Runner {
  std::vector<Exception>& exceptions;
  std::vector<SuiteReport> reports;

  Exception* find_exception(const std::string& suite, const std::string& name) {
    for (auto& e : exceptions) {
      if (e.suite == suite && e.name == name) return &e;
    }
    return nullptr;
  }

  template <typename F>
  void run_case(SuiteReport& report, const std::string& name, F&& body) {
    Outcome outcome;
    try {
      outcome = body();
    } catch (const std::exception& e) {
      outcome = {true, std::string(" exception: ") + e.what(), {}};
    } catch (...) {
      outcome = {true, " unknown exception", {}};
    }
    ++report.total;
    Exception* exception = find_exception(report.name, name);
    if (exception) exception->seen = true;
    if (!outcome.applicable) {
      ++report.not_applicable;
      std::cout << "N/A   " << report.name << ": " << name << " (" << outcome.note << ")\n";
      return;
    }
    const bool passed = outcome.failure.empty();
    if (passed && exception) {
      ++report.unexpected_pass;
      std::cout << "UNEXPECTEDLY PASSING  " << report.name << ": " << name
                << " (listed in exceptions.txt: " << exception->reason << "; remove the entry)\n";
    } else if (passed) {
      ++report.passed;
    } else if (exception) {
      ++report.excepted;
      std::cout << "XFAIL " << report.name << ": " << name << "\n      reason: " << exception->reason
                << "\n      got:" << outcome.failure << "\n";
    } else {
      ++report.failed;
      std::cout << "FAIL  " << report.name << ": " << name << "\n     " << outcome.failure << "\n";
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  fs::path shared_dir;
  fs::path exceptions_path;
  std::set<std::string> suites;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--shared-dir" && i + 1 < argc) {
      shared_dir = argv[++i];
    } else if (arg == "--exceptions" && i + 1 < argc) {
      exceptions_path = argv[++i];
    } else if (arg == "--suite" && i + 1 < argc) {
      suites.insert(argv[++i]);
    } else {
      std::cerr << "usage: conformance_runner --shared-dir DIR --exceptions FILE [--suite NAME]...\n";
      return 2;
    }
  }
  if (shared_dir.empty() || exceptions_path.empty()) {
    std::cerr << "usage: conformance_runner --shared-dir DIR --exceptions FILE [--suite NAME]...\n";
    return 2;
  }
  const std::set<std::string> known = {"profile-parser", "file-location", "botocore-cfg"};
  if (suites.empty()) suites = known;
  for (const auto& s : suites) {
    if (!known.count(s)) {
      std::cerr << "error: unknown suite '" << s << "'\n";
      return 2;
    }
  }

  bool exceptions_ok = true;
  auto exceptions = read_exceptions(exceptions_path, exceptions_ok);
  if (!exceptions_ok) return 2;
  std::cout << "Exceptions (" << exceptions_path.string() << "):\n";
  int listed = 0;
  for (const auto& e : exceptions) {
    if (!suites.count(e.suite)) continue;
    std::cout << "  " << e.suite << ": " << e.name << " -- " << e.reason << "\n";
    ++listed;
  }
  if (listed == 0) std::cout << "  (none)\n";

  const fs::path peer = shared_dir / "peer-tests";
  auto load_json = [&](const fs::path& path, json& out) {
    auto text = read_file(path);
    if (!text) {
      std::cerr << "error: cannot read " << path.string() << "\n";
      return false;
    }
    try {
      out = json::parse(*text);
    } catch (const std::exception& e) {
      std::cerr << "error: " << path.string() << ": " << e.what() << "\n";
      return false;
    }
    return true;
  };

  // One row per suite: its vector file, the array of cases in it, how a case is named and run.
  const fs::path botocore_dir = peer / "botocore-cfg";
  struct SuiteSpec {
    std::string name;
    fs::path file;
    std::string cases_key;
    std::function<std::string(const json&)> case_name;
    std::function<Outcome(const json&)> run;
  };
  const auto name_field = [](const json& test) { return test.at("name").get<std::string>(); };
  const std::vector<SuiteSpec> specs = {
      {"profile-parser", peer / "profile-parser" / "profile-parser-tests.json", "tests", name_field,
       run_profile_parser_case},
      {"file-location", peer / "profile-parser" / "file-location-tests.json", "tests", name_field,
       run_file_location_case},
      {"botocore-cfg", botocore_dir / "expected.json", "cases", botocore_case_name,
       [&](const json& c) { return run_botocore_case(c, botocore_dir); }},
  };

  Runner runner{exceptions, {}};
  for (const SuiteSpec& spec : specs) {
    if (!suites.count(spec.name)) continue;
    json data;
    if (!load_json(spec.file, data)) return 2;
    SuiteReport report{spec.name};
    for (const auto& test : data.at(spec.cases_key)) {
      runner.run_case(report, spec.case_name(test), [&] { return spec.run(test); });
    }
    runner.reports.push_back(report);
  }

  bool ok = true;
  for (const auto& e : exceptions) {
    if (suites.count(e.suite) && !e.seen) {
      std::cout << "STALE exception (no such case): " << e.suite << ": " << e.name << "\n";
      ok = false;
    }
  }
  std::cout << "\n";
  for (const auto& r : runner.reports) {
    const int applicable = r.total - r.not_applicable;
    std::cout << r.name << ": " << r.passed << "/" << applicable << " passed";
    if (r.not_applicable) std::cout << ", " << r.not_applicable << " not applicable";
    if (r.excepted) std::cout << ", " << r.excepted << " failing as excepted";
    if (r.unexpected_pass) std::cout << ", " << r.unexpected_pass << " unexpectedly passing";
    if (r.failed) std::cout << ", " << r.failed << " FAILED";
    std::cout << "\n";
    if (r.failed || r.unexpected_pass) ok = false;
  }
  return ok ? 0 : 1;
}
