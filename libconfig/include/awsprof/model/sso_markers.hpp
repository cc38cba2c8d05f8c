// Who made an SSO profile, and for which role: the marker `awsprof sso populate` writes into every
// profile it generates, the markers granted, aws-sso-util and aws-sso-cli leave, and the identity a
// profile stands for (start URL, account id, role name), by which populate matches profiles
// whatever they are called.
//
// awsprof's marker is one key in the profile:
//
//     awsprof_generated = sso-session=corp start-url=https://d-1234567890.awsapps.com/start
//                         account=111111111111 role=Admin name=prod.Admin region=eu-west-1
//
// (on one line). It names the session that generated the profile and the identity, and records what
// populate last wrote (the name, the region), which is the base of its three-way merge: a value the
// user changed since differs from it, and is kept. `stale-since=YYYY-MM-DD` is added when populate
// finds the role gone. Values are percent-encoded where they hold a space, '%', a control or a
// non-ASCII byte.
//
// The others:
//   granted       common_fate_generated_from = aws-sso, with granted_sso_start_url, _account_id,
//                 _role_name (credential_process form) or the sso_* keys;
//   aws-sso-util  sso_auto_populated = true (older: sso_util_populate = true), with the sso_* keys;
//   aws-sso-cli   sections between "# BEGIN_AWS_SSO_CLI[_NAME]" and "# END_AWS_SSO_CLI[_NAME]"
//                 comment lines, with credential_process = aws-sso ... process --arn ROLE_ARN
//                 (no start URL: the identity is the account and role of the ARN).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/syntax/document.hpp"
#include "awsprof/model/profile_model.hpp"

namespace awsprof {

/// The key of awsprof's marker.
inline constexpr std::string_view kGeneratedMarkerKey = "awsprof_generated";

/// What awsprof's marker records.
struct GeneratedMarker {
  std::string session;
  std::string start_url;
  std::string account_id;
  std::string role_name;
  std::string name;                        ///< the name populate gave the profile
  std::optional<std::string> region;       ///< the region populate wrote, when it wrote one
  std::optional<std::string> stale_since;  ///< YYYY-MM-DD, when populate found the role gone
  bool operator==(const GeneratedMarker&) const = default;
};

/// The marker's value, always in the same order and encoding (so an unchanged marker is unchanged
/// text).
std::string format_generated_marker(const GeneratedMarker& marker);
/// Reads a marker's value; nullopt when a required field (sso-session, start-url, account, role,
/// name) is missing or malformed. Unknown fields are ignored.
std::optional<GeneratedMarker> parse_generated_marker(std::string_view value);

/// Who wrote a profile.
enum class ProfileOrigin { hand_written, awsprof, granted, aws_sso_util, aws_sso_cli };
/// "hand-written", "awsprof", "granted", "aws-sso-util", "aws-sso-cli".
const char* to_string(ProfileOrigin origin);

/// The SSO role a profile is for, and who wrote it.
struct SsoProfileIdentity {
  ProfileOrigin origin = ProfileOrigin::hand_written;
  std::optional<GeneratedMarker> marker;  ///< awsprof's, when origin is awsprof
  std::string start_url;                  ///< "" when the profile does not say (aws-sso-cli)
  std::string account_id;
  std::string role_name;
  std::string sso_session;  ///< the sso_session the profile names, if any
};

/// Where the aws-sso-cli blocks of a config file are: 1-based [first, last] line ranges, from a
/// BEGIN_AWS_SSO_CLI comment to its END_AWS_SSO_CLI.
std::vector<std::pair<int, int>> aws_sso_cli_blocks(const Document& config);

/// The identity of `profile` (read in the cli dialect from `model`): for awsprof's marker, the
/// marker's; for the other tools', what their keys say; for any other profile with
/// sso_account_id and sso_role_name, the keys and the start URL (its own or its [sso-session]'s).
/// nullopt when the profile is not for an SSO role. `blocks` are the config's aws_sso_cli_blocks().
std::optional<SsoProfileIdentity> sso_profile_identity(const ProfileModel& model, const Section& profile,
                                                       const std::vector<std::pair<int, int>>& blocks);

/// A start URL compared loosely: without a trailing "#", "#/" or "/" (the portal accepts all).
std::string normalize_start_url(std::string_view url);

/// The account id and role name of an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role[/PATH]/NAME).
std::optional<std::pair<std::string, std::string>> role_arn_parts(std::string_view arn);

}  // namespace awsprof
