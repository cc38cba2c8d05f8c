// Explain: where each effective setting of a profile comes from, and what it shadows.
//
// The order of sources, highest first, as the AWS CLI v2 reads them:
//   1. a command-line flag (the CLI's global options: --region, --endpoint-url, --ca-bundle, ...)
//   2. environment variables, in the catalogue's order (AWS_REGION before AWS_DEFAULT_REGION)
//   3. the credentials file
//   4. the config file
//   5. the profile's [sso-session] section, where one applies
//   6. fallback environment variables, then the catalogue's default
// The credential keys (aws_access_key_id, aws_secret_access_key, aws_session_token) come from the
// credential chain instead (plan_credentials): their source type is the winning provider's method
// name. Secret values are masked (16 '*' and the last 4 characters) in everything returned here,
// as is the access key id, as `aws configure list` shows them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "awsprof/credentials/credential_chain.hpp"
#include "awsprof/platform/locations.hpp"
#include "awsprof/model/profile_model.hpp"
#include "awsprof/support/result.hpp"

namespace awsprof {

/// Where one value comes from, in the AWS CLI's words.
struct ValueSource {
  /// "manual" (a flag), "env", "shared-credentials-file", "config-file", "sso-session", "default",
  /// or, for credential keys, the provider's method name ("env", "config-file", "assume-role", ...).
  std::string type;
  std::string location;  ///< The file's path, the variable's name, the flag; "" for a default.
  int line = 0;          ///< 1-based line in the file, 0 when not from a file.
};

/// A value and its source.
struct SourcedValue {
  std::string value;  ///< Masked when secret.
  ValueSource source;
};

/// One setting with a value.
struct SettingExplanation {
  std::string name;   ///< "region", or dotted for a sub-property ("s3.max_concurrent_requests").
  std::string value;  ///< The effective value; masked when secret.
  ValueSource source;
  std::vector<SourcedValue> overridden;  ///< The sources it shadows, highest first.
  bool secret = false;
};

/// The credential chain's verdict.
struct CredentialExplanation {
  std::optional<CredentialMethod> method;  ///< The winning provider; nullopt on error.
  std::vector<SkippedProvider> skipped;    ///< The providers before it, and why each did not apply.
  std::vector<std::string> notes;
  std::string error;  ///< When the chain fails (partial keys, a loop, no credentials at all, ...).
};

/// The selected profile and how it was chosen.
struct ProfileExplanation {
  std::string name;
  ValueSource source;  ///< type "manual" (--profile), "env" (AWS_PROFILE/AWS_DEFAULT_PROFILE) or "default".
};

struct Explanation {
  ProfileExplanation profile;
  std::vector<SettingExplanation> settings;  ///< Every setting with a value, credential keys first.
  CredentialExplanation credentials;
  const SettingExplanation* find(std::string_view name) const;
};

/// A value given on the command line.
struct FlagValue {
  std::string setting;  ///< "region"
  std::string flag;     ///< "--region"
  std::string value;
};

/// What explain reads.
struct ExplainInput {
  InputFile config;       ///< The config file (document nullptr when missing).
  InputFile credentials;  ///< The credentials file.
  SelectedProfile profile;
  EnvLookup env;
  std::vector<FlagValue> flags;
  /// When not empty, only these settings (and none of the others) are explained; a requested
  /// setting without a value anywhere is left out (the caller reports it as not set).
  std::vector<std::string> only;
};

/// Explains the selected profile as the AWS CLI v2 would read it. Errors: a file the AWS CLI
/// cannot parse, and a selected profile that does not exist (other than "default"), as in the CLI
/// ("the config profile \"x\" could not be found"). A failing credential chain is not an error: it
/// is reported in Explanation::credentials.
Result<Explanation> explain_profile(const ExplainInput& input);

}  // namespace awsprof
