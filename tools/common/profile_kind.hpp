// What kind of credentials a profile provides. Belongs in the library's profile model; kept here,
// in one function, until the library offers it.
#pragma once

#include "awsprof/profile_model.hpp"

namespace awsprof::tool {

enum class ProfileKind { web_identity, assume_role, sso, static_keys, process, config_only };

/// "web-identity", "assume-role", "sso", "static", "process" or "config-only".
const char* to_string(ProfileKind kind);

/// Decides the kind from the profile's keys, in the AWS CLI's credential-chain order: role_arn with
/// web_identity_token_file, role_arn, any of sso_account_id/sso_role_name/sso_session,
/// aws_access_key_id, credential_process; else config-only.
ProfileKind classify_profile(const Section& profile);

}  // namespace awsprof::tool
