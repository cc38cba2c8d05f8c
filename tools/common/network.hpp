// The AWS CLI's global network flags, shared by the tools that call AWS (test, export-credentials):
// --endpoint-url, --region, --ca-bundle, --no-verify-ssl, --cli-connect-timeout, --cli-read-timeout,
// --mfa-code and --debug. Also the MFA prompt (on the terminal, without echo), the progress line that
// keeps off it, and the debug log.
#pragma once

#include <CLI/CLI.hpp>
#include <mutex>
#include <optional>
#include <string>

#include "awsprof/credentials/credential_resolver.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// The flags, as given.
struct NetworkFlags {
  std::string endpoint_url;
  std::string region;
  std::string ca_bundle;
  bool no_verify_ssl = false;
  std::optional<int> connect_timeout;  ///< seconds; 0 waits forever (as in the CLI)
  std::optional<int> read_timeout;     ///< seconds; 0 waits forever
  std::optional<std::string> mfa_code;
  bool debug = false;
};

/// Which flags a tool takes: all of them (test, export-credentials), or only those about the
/// connection and the log (sso, whose endpoints come from its sso_region and AWS_ENDPOINT_URL_SSO*).
enum class NetworkFlagSet { all, connection };

/// Adds the flags to `app`.
void add_network_flags(CLI::App& app, NetworkFlags& flags, NetworkFlagSet set = NetworkFlagSet::all);

/// What the library needs from them.
NetworkOverrides network_overrides(const NetworkFlags& flags);

/// After parsing: prints the --no-verify-ssl warning on stderr when that flag is given.
void warn_about_network_flags(const Tool& tool, const NetworkFlags& flags);

/// A progress line on stderr ("testing profiles: 2/5"), redrawn in place, that keeps off the MFA
/// prompt: a prompt erases it first, it is not drawn while the prompt waits, and it comes back after.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  /// Draws `text` in place of the line before (later, while a prompt waits).
  void show(std::string text);
  /// Erases it for good.
  void clear();
  /// Around a prompt: erase the line and hold it off; then draw it again.
  void hold();
  void release();

 private:
  const bool enabled_;
  std::mutex mutex_;
  bool held_ = false;
  std::string text_;
};

/// The MFA code: --mfa-code when given, else a prompt on /dev/tty without echo, naming the device and
/// the profile ("Enter MFA code for SERIAL (profile dev): "), one prompt at a time, with `progress`
/// (if any) held off the prompt's line; an error when there is no terminal.
MfaCodeProvider mfa_code_provider(const NetworkFlags& flags, ProgressLine* progress = nullptr);

/// With --debug, a logger that prints "awsprof CMD: debug: LINE" on stderr (serialised across
/// threads); otherwise an empty function. The library's lines never hold secrets.
std::function<void(std::string_view)> debug_logger(const Tool& tool, const NetworkFlags& flags);

}  // namespace awsprof::tool

namespace awsprof::tool {

/// The files, and the context's profile's credentials from them.
struct ExportedCredentials {
  LoadedProfiles loaded;
  ResolvedCredentials credentials;
};

/// Loads the files and resolves the context's profile as `aws configure export-credentials` does
/// (export-credentials, exec): over the network where the chain needs it, with the flags'
/// overrides, --mfa-code or the prompt, and the --debug log; `env` is what a credential_process
/// inherits. On failure prints why on stderr, sets `exit` and returns nullopt: 2 for a file that
/// cannot be read or a named profile that does not exist, 1 for credentials that cannot be had
/// ("Unable to retrieve credentials: ..." and the hint).
std::optional<ExportedCredentials> load_and_resolve(const Tool& tool, const NetworkFlags& network,
                                                    const EnvLookup& env, int& exit);

/// An expiration as the AWS CLI prints it (Python's datetime.isoformat() of a UTC time):
/// "2024-01-01T12:00:00+00:00".
std::string iso_expiration(std::chrono::system_clock::time_point time);

}  // namespace awsprof::tool
