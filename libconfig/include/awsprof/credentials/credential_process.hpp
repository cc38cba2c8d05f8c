// credential_process: run the configured command and read its JSON, as the AWS CLI does.
//
// The command is split into words with POSIX shell quoting (Python's shlex.split, which botocore
// uses) and run directly, without a shell: pipes, redirections and `$VAR` are not interpreted.
// stdout is captured (bounded); stderr is passed through to awsprof's own stderr by default, so a
// helper's prompts and error messages reach the user but never enter awsprof's output or results.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/result.hpp"
#include "awsprof/support/timestamps.hpp"
#include "awsprof/net/sigv4.hpp"

namespace awsprof {

/// Where the process's stderr goes.
enum class ProcessStderr {
  inherit,  ///< awsprof's own stderr (the default): prompts and errors stay visible.
  discard,  ///< /dev/null.
};

struct ProcessOptions {
  /// The process is killed (SIGKILL) when it has not finished by then. botocore has no limit;
  /// awsprof must not hang on a helper that waits forever.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  /// More stdout than this is an error (and the process is killed).
  std::size_t max_output = 1024 * 1024;
  ProcessStderr stderr_mode = ProcessStderr::inherit;
  /// The time expirations are checked against.
  std::optional<std::chrono::system_clock::time_point> now;
};

/// What a credential process returned. Holds secrets.
struct ProcessCredentials {
  Credentials credentials;
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string expiration_text;  ///< Expiration as written, or empty.
  std::string account_id;       ///< AccountId, when given.
};

/// Splits a credential_process value into argv (shlex.split, POSIX mode). Error on an unclosed
/// quote or a trailing backslash, or when there are no words.
Result<std::vector<std::string>> split_credential_process(std::string_view command);

/// Runs the command and parses its output (see parse_credential_process_output). The error says
/// what failed (could not start, exit status, signal, timeout, output too large, bad JSON), never
/// what the process printed.
Result<ProcessCredentials> run_credential_process(std::string_view command,
                                                  const ProcessOptions& options = {});

/// Parses the process's stdout: a JSON object with "Version": 1, "AccessKeyId" and
/// "SecretAccessKey" (strings), optional "SessionToken", "Expiration" (ISO 8601) and "AccountId".
/// An Expiration at or before `now` is an error, as in the CLI.
Result<ProcessCredentials> parse_credential_process_output(std::string_view output,
                                                           std::chrono::system_clock::time_point now);

}  // namespace awsprof
