// Credential expiration times, as the AWS CLI reads and writes them (credential_process output,
// the CLI's caches, aws_expiration).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace awsprof {

/// Parses an ISO 8601 / RFC 3339 time as the CLI's dateutil does for credential expirations:
/// "YYYY-MM-DD[T ]HH:MM[:SS[.fff]]" then "Z", "UTC", "+HH:MM", "+HHMM" or nothing (read as UTC).
std::optional<std::chrono::system_clock::time_point> parse_expiration_time(std::string_view text);

/// "YYYY-MM-DDTHH:MM:SSZ".
std::string format_expiration_time(std::chrono::system_clock::time_point time);

}  // namespace awsprof
