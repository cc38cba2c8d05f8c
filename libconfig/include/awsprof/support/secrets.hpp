// Secrets: which keys hold them, and the only form in which awsprof ever shows them.
#pragma once

#include <string>
#include <string_view>

namespace awsprof {

/// True for the keys whose values are secret: aws_secret_access_key, aws_session_token and
/// aws_security_token (compared ignoring ASCII case).
bool is_secret_key(std::string_view key);

/// The AWS CLI's masked form: 16 '*' followed by the last 4 characters; a value of 4 characters
/// or fewer is shown as 16 '*' followed by the whole value, exactly as `aws configure list` does.
/// The one form every awsprof command shows a secret in (diagnostics, diffs, explain, import).
std::string mask_secret(std::string_view value);

}  // namespace awsprof
