// Where the files are and which profile is selected, as the AWS CLI decides them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace awsprof {

/// Reads an environment variable; returns nullopt when unset. Injected so tests need no real env.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment.
EnvLookup process_environment();

enum class Platform { posix, windows };

/// The home directory: HOME, then (Windows) USERPROFILE, then HOMEDRIVE+HOMEPATH.
std::optional<std::string> home_directory(const EnvLookup& env, Platform platform = Platform::posix);

/// Expands a leading "~" (or "~/") to the home directory.
std::string expand_home(std::string_view path, const EnvLookup& env, Platform platform = Platform::posix);

/// --config-file, else AWS_CONFIG_FILE, else ~/.aws/config (with ~ expanded).
std::string config_file_path(const EnvLookup& env, const std::optional<std::string>& flag = std::nullopt,
                             Platform platform = Platform::posix);
/// --credentials-file, else AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.
std::string credentials_file_path(const EnvLookup& env, const std::optional<std::string>& flag = std::nullopt,
                                  Platform platform = Platform::posix);

/// How the profile was chosen, in the AWS CLI's words for `aws configure list`.
enum class ProfileSource { flag, env_aws_profile, env_aws_default_profile, default_name };

struct SelectedProfile {
  std::string name;
  ProfileSource source = ProfileSource::default_name;
  /// True when named on the command line; then environment credentials do not win (as in the CLI).
  bool explicit_on_command_line() const { return source == ProfileSource::flag; }
};

/// --profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
SelectedProfile select_profile(const EnvLookup& env, const std::optional<std::string>& flag = std::nullopt);

}  // namespace awsprof
