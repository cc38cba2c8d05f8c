#include "common/network.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <mutex>

#include "awsprof/support/timestamps.hpp"

namespace awsprof::tool {
namespace {

std::mutex& terminal_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// Reads one line from /dev/tty with echo off. nullopt when there is no terminal.
std::optional<std::string> prompt_without_echo(const std::string& prompt) {
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  termios saved{};
  const bool is_terminal = tcgetattr(fd, &saved) == 0;
  if (!is_terminal) {
    close(fd);
    return std::nullopt;
  }
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  (void)!write(fd, prompt.data(), prompt.size());
  tcsetattr(fd, TCSAFLUSH, &quiet);
  std::string line;
  char c = 0;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  tcsetattr(fd, TCSAFLUSH, &saved);
  close(fd);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

void add_network_flags(CLI::App& app, NetworkFlags& flags, NetworkFlagSet set) {
  if (set == NetworkFlagSet::all) {
    app.add_option("--endpoint-url", flags.endpoint_url,
                   "Send every STS call here (AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity)")
        ->type_name("URL");
    app.add_option("--region", flags.region, "The region (else AWS_REGION, AWS_DEFAULT_REGION, region)")
        ->type_name("REGION");
  }
  app.add_option("--ca-bundle", flags.ca_bundle, "Trust the CA certificates in this PEM file")
      ->type_name("PATH");
  app.add_flag("--no-verify-ssl", flags.no_verify_ssl, "Do not verify TLS certificates (prints a warning)");
  app.add_option("--cli-connect-timeout", flags.connect_timeout,
                 "Seconds allowed to connect (0: wait forever; default 60)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cli-read-timeout", flags.read_timeout,
                 "Seconds of silence before a read fails (0: wait forever; default 60)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  if (set == NetworkFlagSet::all)
    app.add_option("--mfa-code", flags.mfa_code,
                   "The MFA code for roles with mfa_serial (else asked on the terminal)")
        ->type_name("CODE");
  app.add_flag("--debug", flags.debug, "Log each call on stderr (never a secret)");
}

NetworkOverrides network_overrides(const NetworkFlags& flags) {
  NetworkOverrides out;
  out.region = flags.region;
  out.endpoint_url = flags.endpoint_url;
  out.ca_bundle = flags.ca_bundle;
  out.verify_tls = !flags.no_verify_ssl;
  if (flags.connect_timeout) out.connect_timeout = std::chrono::seconds(*flags.connect_timeout);
  if (flags.read_timeout) out.read_timeout = std::chrono::seconds(*flags.read_timeout);
  return out;
}

void warn_about_network_flags(const Tool& tool, const NetworkFlags& flags) {
  if (flags.no_verify_ssl)
    std::cerr
        << tool.display_name()
        << ": warning: --no-verify-ssl: TLS certificates are not verified, so anyone on the network path "
           "can read and change the traffic\n";
}

void ProgressLine::show(std::string text) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  text_ = std::move(text);
  if (!held_) std::cerr << "\r\033[K" << text_ << std::flush;
}

void ProgressLine::clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  text_.clear();
  std::cerr << "\r\033[K" << std::flush;
}

void ProgressLine::hold() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  held_ = true;
  std::cerr << "\r\033[K" << std::flush;
}

void ProgressLine::release() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  held_ = false;
  if (!text_.empty()) std::cerr << "\r\033[K" << text_ << std::flush;
}

MfaCodeProvider mfa_code_provider(const NetworkFlags& flags, ProgressLine* progress) {
  std::optional<std::string> given = flags.mfa_code;
  return [given, progress](const MfaRequest& request) -> Result<std::string> {
    if (given) return *given;
    std::lock_guard<std::mutex> lock(terminal_mutex());
    if (progress != nullptr) progress->hold();
    std::optional<std::string> code = prompt_without_echo("Enter MFA code for " + request.mfa_serial +
                                                          " (profile " + request.profile + "): ");
    if (progress != nullptr) progress->release();
    if (!code) return Result<std::string>::error("there is no terminal to ask for the MFA code on");
    if (code->empty()) return Result<std::string>::error("no MFA code was entered");
    return *code;
  };
}

std::function<void(std::string_view)> debug_logger(const Tool& tool, const NetworkFlags& flags) {
  if (!flags.debug) return {};
  std::string prefix = tool.display_name() + ": debug: ";
  return [prefix](std::string_view line) {
    std::lock_guard<std::mutex> lock(terminal_mutex());
    std::cerr << prefix << line << '\n';
  };
}

}  // namespace awsprof::tool

namespace awsprof::tool {

std::optional<ExportedCredentials> load_and_resolve(const Tool& tool, const NetworkFlags& network,
                                                    const EnvLookup& env, int& exit) {
  exit = exit_code(Outcome::error);
  auto loaded = load_profiles(tool);
  if (!loaded) return std::nullopt;
  if (named_but_missing(tool.context().profile, loaded->model)) {
    tool.fail(missing_profile_message(loaded->model, tool.context().profile.name));
    return std::nullopt;
  }
  RealFileSystem fs;
  ProfileRunOptions options;
  options.fs = &fs;
  options.env = env;
  options.overrides = network_overrides(network);
  options.mfa_code = mfa_code_provider(network);
  options.log = debug_logger(tool, network);
  ProfileCredentials got = resolve_profile(loaded->model, tool.context().profile, options);
  if (!got.credentials) {
    tool.fail("Unable to retrieve credentials: " + got.error->message);
    if (!got.error->hint.empty()) std::cerr << "hint: " << got.error->hint << '\n';
    exit = exit_code(Outcome::findings);
    return std::nullopt;
  }
  return ExportedCredentials{std::move(*loaded), std::move(*got.credentials)};
}

std::string iso_expiration(std::chrono::system_clock::time_point time) {
  std::string text = format_expiration_time(time);  // "...Z"
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  return text + "+00:00";
}

}  // namespace awsprof::tool
