// The flags every awsprof tool shares, parsed once, and the exit codes every tool returns.
//
// A tool's main is: make a Tool, add its own flags to app(), call parse(), call load_profiles()
// (load.hpp) when it reads the files, compute, then format (format.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/platform/file_system.hpp"
#include "awsprof/platform/locations.hpp"
#include "awsprof/model/profile_model.hpp"

namespace awsprof::tool {

/// What happened, as a tool reports it. exit_code() is the one place these become numbers.
enum class Outcome {
  ok,        ///< 0: done, nothing to report.
  findings,  ///< 1: findings, differences, or a value that is not set.
  error,     ///< 2: a usage error or an I/O error (including a file the dialect refuses).
};
int exit_code(Outcome outcome);

enum class OutputFormat { text, table, json };

/// What --version prints, for every tool and the dispatcher.
inline constexpr const char* kVersionText = "awsprof " AWSPROF_VERSION;

/// The shared flags, resolved: paths and profile as the AWS CLI picks them, and the output format.
struct ToolContext {
  std::string config_path;  ///< --config-file, else AWS_CONFIG_FILE, else ~/.aws/config.
  std::string
      credentials_path;  ///< --credentials-file, else AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.
  /// What named each file: "--config-file" / "AWS_CONFIG_FILE" (or the credentials pair), "" for
  /// the default ~/.aws file. A named file must exist for the tools that check files (validate, lint).
  std::string config_named_by, credentials_named_by;
  SelectedProfile profile;  ///< --profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default.
  OutputFormat output = OutputFormat::text;  ///< --output, else table on a terminal, else text.
  Dialect dialect = Dialect::cli;            ///< --dialect, else cli.
  bool stdout_colour = false;                ///< colour_enabled(stdout).
  bool stderr_colour = false;                ///< colour_enabled(stderr).
};

/// One tool: its CLI11 app with the shared flags already added, and the resolved context.
class Tool {
 public:
  /// `command` is the name after "awsprof" ("list"); `description` is the one-line summary.
  Tool(std::string_view command, std::string description, EnvLookup env = process_environment());

  /// The CLI11 app, for the tool's own flags.
  CLI::App& app() { return app_; }
  /// "awsprof list": the name used in usage lines and messages.
  const std::string& display_name() const { return display_name_; }
  const EnvLookup& env() const { return env_; }

  /// Parses argv. Returns an exit code when the tool should stop now: 0 after --help or --version
  /// (printed to stdout), 2 after a usage error (one line and a --help hint on stderr).
  std::optional<int> parse(int argc, const char* const* argv);

  /// Valid after parse() returned nullopt.
  const ToolContext& context() const { return context_; }

  /// Prints "awsprof list: error: MESSAGE" on stderr; returns exit_code(Outcome::error).
  int fail(std::string_view message) const;
  /// Prints "awsprof list: warning: MESSAGE" on stderr.
  void warn(std::string_view message) const;

  /// How this tool reads and writes the config files: the lock timeout (AWSPROF_LOCK_TIMEOUT
  /// seconds, default 10), a line on stderr while it waits for a lock another process holds
  /// (naming the directory and the process), and a note for each interrupted edit it repairs.
  FileAccessOptions file_access() const;

 private:
  std::string display_name_;
  EnvLookup env_;
  CLI::App app_;
  std::optional<std::string> config_file_;
  std::optional<std::string> credentials_file_;
  std::optional<std::string> profile_;
  std::optional<std::string> output_;
  std::string dialect_ = "cli";
  ToolContext context_;
};

/// For a tool whose output has one form the caller does not choose (export-credentials prints its
/// --format, exec runs a command): replaces the shared --output with a hidden one that stores into
/// `output`, so that a given --output is refused with the reason rather than accepted and ignored.
void hide_output_flag(Tool& tool, std::optional<std::string>& output);

/// A CLI11 check that accepts exactly one of `choices`, with a message that lists them:
/// "invalid value 'x' (expected text|json)".
CLI::Validator one_of(std::vector<std::string> choices);

/// "Did you mean: a, b?" for the names nearest to something unknown, or "" when there are none.
std::string did_you_mean(const std::vector<std::string>& names);

/// True when `fd` is a terminal, TERM is not "dumb" (a terminal without escape codes) and
/// NO_COLOR is unset (https://no-color.org).
bool colour_enabled(int fd, const EnvLookup& env);

}  // namespace awsprof::tool
