// awsprof exec: run a command with the selected profile's credentials in its environment, resolved
// as export-credentials resolves them.
//
// The command replaces awsprof (execvp: no fork, no shell). Nothing is left to do once it ends, so
// its exit status and the signals sent to it (Ctrl-C, SIGTERM, SIGHUP) are its own, exactly as if
// it had been started directly; there is no parent to forward them or to outlive it.
//
// Nesting: the child's environment names the profile in AWSPROF_EXEC_PROFILE. An exec of another
// profile inside it is refused (exit 2): the inner command would run with one profile's keys while
// the outer one's are what the user thinks they hold. An exec of the same profile is allowed (a
// script that wraps itself); it resolves the credentials again.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "awsprof/credentials/credential_resolver.hpp"
#include "common/config_target.hpp"
#include "common/load.hpp"
#include "common/network.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof::tool;

constexpr const char* kExecProfileVariable = "AWSPROF_EXEC_PROFILE";

/// The variables that would name another identity than the credentials set here.
constexpr const char* kClearedVariables[] = {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"};

void set_or_clear(const char* name, const std::string& value) {
  if (value.empty()) {
    unsetenv(name);
  } else {
    setenv(name, value.c_str(), 1);
  }
}

/// The environment the command runs in: this process's, with the credentials, region and marker.
void prepare_environment(const awsprof::ResolvedCredentials& resolved, const std::string& region,
                         const std::string& profile) {
  const awsprof::Credentials& c = resolved.credentials;
  setenv("AWS_ACCESS_KEY_ID", c.access_key_id.c_str(), 1);
  setenv("AWS_SECRET_ACCESS_KEY", c.secret_access_key.c_str(), 1);
  set_or_clear("AWS_SESSION_TOKEN", c.session_token);
  set_or_clear("AWS_CREDENTIAL_EXPIRATION", resolved.expiration ? iso_expiration(*resolved.expiration) : "");
  set_or_clear("AWS_ACCOUNT_ID", resolved.account_id);
  if (!region.empty()) {
    setenv("AWS_REGION", region.c_str(), 1);
    setenv("AWS_DEFAULT_REGION", region.c_str(), 1);
  }
  for (const char* name : kClearedVariables) unsetenv(name);
  setenv(kExecProfileVariable, profile.c_str(), 1);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("exec",
            "Run PROGRAM (without a shell) with the profile's credentials in its environment: "
            "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, "
            "AWS_REGION and AWS_DEFAULT_REGION set, AWS_PROFILE and AWS_DEFAULT_PROFILE unset.");
  std::vector<std::string> command;
  NetworkFlags network;
  std::optional<std::string> output;
  hide_output_flag(tool, output);
  add_network_flags(tool.app(), network);
  tool.app()
      .add_option("PROGRAM", command, "The command to run and its arguments (-- before them is safest)")
      ->required()
      ->type_name("PROGRAM [ARG...]");
  // Everything after the first positional is the command's, options included.
  tool.app().positionals_at_end();
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (output) return usage_error(tool, "--output does not apply: what is printed is PROGRAM's own output");
  warn_about_network_flags(tool, network);

  const std::string& profile = tool.context().profile.name;
  if (auto outer = tool.env()(kExecProfileVariable); outer && !outer->empty() && *outer != profile)
    return tool.fail("already inside `awsprof exec` of profile '" + *outer + "'; exec of profile '" +
                     profile + "' is not nested in it (exit that command first)");
  int failure = 0;
  auto exported = load_and_resolve(tool, network, awsprof::process_environment(), failure);
  if (!exported) return failure;
  // The region the AWS CLI would use for this profile: --region, AWS_REGION, AWS_DEFAULT_REGION, region.
  auto settings =
      awsprof::read_network_settings(exported->loaded.model, profile, tool.env(), network_overrides(network));
  if (!settings) return tool.fail(settings.message());
  prepare_environment(exported->credentials, settings->sts.region, profile);

  std::vector<char*> arguments;
  for (std::string& argument : command) arguments.push_back(argument.data());
  arguments.push_back(nullptr);
  execvp(arguments[0], arguments.data());
  // Only on failure, with a shell's exit codes: 127 not found, 126 found but not runnable.
  const int error = errno;
  tool.fail(command[0] + ": " + (error == ENOENT ? std::string("command not found") : std::strerror(error)));
  return error == ENOENT ? 127 : 126;
}
