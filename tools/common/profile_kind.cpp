#include "common/profile_kind.hpp"

namespace awsprof::tool {

const char* to_string(ProfileKind kind) {
  switch (kind) {
    case ProfileKind::web_identity:
      return "web-identity";
    case ProfileKind::assume_role:
      return "assume-role";
    case ProfileKind::sso:
      return "sso";
    case ProfileKind::static_keys:
      return "static";
    case ProfileKind::process:
      return "process";
    case ProfileKind::config_only:
      return "config-only";
  }
  return "config-only";
}

ProfileKind classify_profile(const Section& profile) {
  auto has = [&profile](const char* key) { return profile.find(key) != nullptr; };
  if (has("role_arn"))
    return has("web_identity_token_file") ? ProfileKind::web_identity : ProfileKind::assume_role;
  if (has("sso_account_id") || has("sso_role_name") || has("sso_session")) return ProfileKind::sso;
  if (has("aws_access_key_id")) return ProfileKind::static_keys;
  if (has("credential_process")) return ProfileKind::process;
  return ProfileKind::config_only;
}

}  // namespace awsprof::tool
