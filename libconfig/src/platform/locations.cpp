// Where the files are and which profile is selected, as the AWS CLI decides them.
//
// Follows the AWS CLI v2 (its bundled botocore): an environment variable that is set wins even
// when it is empty, exactly as botocore's EnvironmentProvider returns it.
#include "awsprof/platform/locations.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace awsprof {
namespace {

char separator(Platform platform) {
  return platform == Platform::windows ? '\\' : '/';
}

bool is_separator(char c, Platform platform) {
  return c == '/' || (platform == Platform::windows && c == '\\');
}

/// The home directory from the password database, as Python's expanduser does when HOME is unset.
std::optional<std::string> password_database_home() {
  const long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
      found->pw_dir == nullptr) {
    return std::nullopt;
  }
  return std::string(found->pw_dir);
}

/// "~/.aws/<file>" with the platform's separator, expanded.
std::string default_path(const EnvLookup& env, Platform platform, std::string_view file) {
  std::string path = "~";
  path += separator(platform);
  path += ".aws";
  path += separator(platform);
  path += file;
  return expand_home(path, env, platform);
}

}  // namespace

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::optional<std::string> home_directory(const EnvLookup& env, Platform platform) {
  if (auto home = env("HOME")) return home;
  if (platform == Platform::windows) {
    if (auto profile = env("USERPROFILE")) return profile;
    auto drive = env("HOMEDRIVE");
    auto path = env("HOMEPATH");
    if (path) return drive.value_or("") + *path;
    return std::nullopt;
  }
  return password_database_home();
}

std::string expand_home(std::string_view path, const EnvLookup& env, Platform platform) {
  if (path.empty() || path.front() != '~') return std::string(path);
  if (path.size() > 1 && !is_separator(path[1], platform)) return std::string(path);  // "~user"
  auto home = home_directory(env, platform);
  if (!home) return std::string(path);
  // Like Python's expanduser: a trailing separator of the home directory is dropped, and a home
  // of "/" (or "") expands "~/x" to "/x".
  std::string base = *home;
  while (!base.empty() && is_separator(base.back(), platform)) base.pop_back();
  std::string expanded = base + std::string(path.substr(1));
  if (expanded.empty()) expanded = std::string(1, separator(platform));
  return expanded;
}

std::string config_file_path(const EnvLookup& env, const std::optional<std::string>& flag,
                             Platform platform) {
  if (flag) return expand_home(*flag, env, platform);
  if (auto value = env("AWS_CONFIG_FILE")) return expand_home(*value, env, platform);
  return default_path(env, platform, "config");
}

std::string credentials_file_path(const EnvLookup& env, const std::optional<std::string>& flag,
                                  Platform platform) {
  if (flag) return expand_home(*flag, env, platform);
  if (auto value = env("AWS_SHARED_CREDENTIALS_FILE")) return expand_home(*value, env, platform);
  return default_path(env, platform, "credentials");
}

SelectedProfile select_profile(const EnvLookup& env, const std::optional<std::string>& flag) {
  if (flag) return {*flag, ProfileSource::flag};
  if (auto value = env("AWS_PROFILE")) return {*value, ProfileSource::env_aws_profile};
  if (auto value = env("AWS_DEFAULT_PROFILE")) return {*value, ProfileSource::env_aws_default_profile};
  return {"default", ProfileSource::default_name};
}

}  // namespace awsprof
