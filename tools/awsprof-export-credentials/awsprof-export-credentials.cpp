// awsprof export-credentials: resolve the profile's credentials and print them, exactly as
// `aws configure export-credentials` (AWS CLI v2) does. The one tool that prints secrets, because
// that is what it is asked for; its --debug log never holds them.
//
// Recursion guard: like the CLI, the profiles being exported are kept, comma-separated (CSV), in
// _AWS_CLI_PROFILE_CHAIN, which a credential_process inherits. A profile already in it is a loop;
// four levels are the most allowed. Sharing the CLI's variable catches loops through either tool.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/credentials/credential_resolver.hpp"
#include "common/config_target.hpp"
#include "common/load.hpp"
#include "common/network.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof::tool;

constexpr const char* kChainVariable = "_AWS_CLI_PROFILE_CHAIN";
constexpr std::size_t kMaxRecursion = 4;  // the CLI's _MAX_RECURSION

/// Python's csv.reader on one line (the CLI's _parse_profile_chain): "" gives no field.
std::vector<std::string> parse_csv_line(std::string_view line) {
  if (line.empty()) return {};
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

/// Python's csv.writer for one row, stripped (the CLI's _serialize_to_csv_str).
std::string to_csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") != std::string::npos) {
      out += '"';
      for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    } else {
      out += f;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? std::string(separator) : "") + parts[i];
  return out;
}

/// The CLI's _detect_recursion_barrier, then _update_recursion_barrier (setenv for the children).
std::optional<std::string> enter_recursion_barrier(const Tool& tool, const std::string& profile) {
  std::vector<std::string> seen = parse_csv_line(tool.env()(kChainVariable).value_or(""));
  if (seen.size() >= kMaxRecursion)
    return "Maximum recursive credential process resolution reached (" + std::to_string(kMaxRecursion) +
           ").\nProfiles seen: " + join(seen, " -> ");
  if (std::find(seen.begin(), seen.end(), profile) != seen.end()) {
    seen.push_back(profile);
    return "Credential process resolution detected an infinite loop, profile cycle: " + join(seen, " -> ");
  }
  seen.push_back(profile);
  setenv(kChainVariable, to_csv_line(seen).c_str(), 1);
  return std::nullopt;
}

void print_credentials(std::ostream& out, const std::string& format,
                       const awsprof::ResolvedCredentials& resolved) {
  const awsprof::Credentials& c = resolved.credentials;
  std::vector<std::pair<std::string, std::string>> values = {{"AWS_ACCESS_KEY_ID", c.access_key_id},
                                                             {"AWS_SECRET_ACCESS_KEY", c.secret_access_key}};
  if (!c.session_token.empty()) values.emplace_back("AWS_SESSION_TOKEN", c.session_token);
  if (resolved.expiration)
    values.emplace_back("AWS_CREDENTIAL_EXPIRATION", iso_expiration(*resolved.expiration));
  if (format == "process") {
    // json.dumps(output, indent=2, separators=(',', ': ')): keys in insertion order.
    static const char* const kJsonNames[] = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"};
    static const char* const kEnvNames[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                            "AWS_CREDENTIAL_EXPIRATION"};
    out << "{\n  \"Version\": 1";
    for (const auto& [name, value] : values) {
      for (std::size_t k = 0; k < 4; ++k)
        if (name == kEnvNames[k])
          out << ",\n  " << awsprof::python_json_string(kJsonNames[k]) << ": "
              << awsprof::python_json_string(value);
    }
    out << "\n}\n";
    return;
  }
  for (const auto& [name, value] : values) {
    if (format == "env") {
      out << "export " << name << '=' << value << '\n';
    } else if (format == "env-no-export") {
      out << name << '=' << value << '\n';
    } else if (format == "powershell") {
      out << "$Env:" << name << "=\"" << value << "\"\n";
    } else if (format == "windows-cmd") {
      out << "set " << name << '=' << value << '\n';
    } else {  // fish
      out << "set -gx " << name << " \"" << value << "\"\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("export-credentials",
            "Print the profile's credentials, as `aws configure export-credentials` does (they are secret).");
  std::string format = "process";
  NetworkFlags network;
  tool.app()
      .add_option("--format", format,
                  "process (credential_process JSON, the default), env, env-no-export, powershell, "
                  "windows-cmd or fish")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"process", "env", "env-no-export", "powershell", "windows-cmd", "fish"}));
  // No --output: what is printed is the credentials in the --format a consumer parses (a process,
  // a shell), as `aws configure export-credentials` has it. The shared flag is replaced by a hidden
  // one, so that --output table or json is refused with the reason rather than accepted and ignored.
  std::optional<std::string> output;
  hide_output_flag(tool, output);
  add_network_flags(tool.app(), network);
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (output) {
    return usage_error(tool,
                       "--output does not apply: the credentials are printed in the --format given "
                       "(process, env, env-no-export, powershell, windows-cmd or fish)");
  }
  warn_about_network_flags(tool, network);

  const std::string& profile = tool.context().profile.name;
  if (auto loop = enter_recursion_barrier(tool, profile)) return tool.fail(*loop);
  // The environment with the barrier, for credential_process.
  int failure = 0;
  auto exported = load_and_resolve(tool, network, awsprof::process_environment(), failure);
  if (!exported) return failure;
  print_credentials(std::cout, format, exported->credentials);
  return exit_code(Outcome::ok);
}
