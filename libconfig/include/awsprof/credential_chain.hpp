// Credential resolution as the AWS CLI v2 (botocore) does it, for the parts that need no network.
//
//  - plan_credentials() is pure: from the profile model, the selected profile and the environment
//    it decides which provider of the CLI's chain wins, why each earlier one did not apply, and the
//    steps to get credentials, base first (static keys, then each role to assume).
//  - resolve_offline() carries a plan out as far as it can without the network: environment and
//    file keys, credential_process, and the CLI's credential cache (~/.aws/cli/cache). It says
//    which step needs the network (STS, SSO, container or instance metadata) when it stops.
//  - profile_kind() names what a profile's keys select, for listings.
//
// The chain, in botocore's order and with its method names:
//   env, assume-role, assume-role-with-web-identity, sso, shared-credentials-file, login,
//   custom-process, config-file, ec2-credentials-file, boto-config, container-role, iam-role.
// (login is the `aws login` session of a profile's login_session, botocore 1.43's LoginProvider.)
// A plan holds secret values (in Credentials); format them only through mask_secret(). Error
// messages, reasons and notes never contain a secret.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "awsprof/credential_process.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/locations.hpp"
#include "awsprof/profile_model.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sigv4.hpp"

namespace awsprof {

/// A provider of the AWS CLI's credential chain.
enum class CredentialMethod {
  env,
  assume_role,
  assume_role_with_web_identity,
  sso,
  shared_credentials_file,
  login,
  custom_process,
  config_file,
  ec2_credentials_file,
  boto_config,
  container_role,
  iam_role,
};

/// botocore's METHOD name: "env", "assume-role", "assume-role-with-web-identity", "sso",
/// "shared-credentials-file", "login", "custom-process", "config-file", "ec2-credentials-file",
/// "boto-config", "container-role", "iam-role". It is the TYPE `aws configure list` shows.
std::string_view method_name(CredentialMethod method);

/// Where static keys were read from.
enum class KeyOrigin { environment, credentials_file, config_file };
const char* to_string(KeyOrigin origin);  ///< "environment", "credentials file", "config file"

/// Long-term or session keys, already known. Holds secrets.
struct StaticKeysStep {
  std::string profile;  ///< The profile they came from; empty for the environment.
  KeyOrigin origin = KeyOrigin::config_file;
  int line = 0;  ///< Line of aws_access_key_id in its file (0 for the environment).
  Credentials credentials;
  std::string expiration;  ///< AWS_CREDENTIAL_EXPIRATION, as written (environment only).
  std::string account_id;  ///< aws_account_id / AWS_ACCOUNT_ID, when set.
};

/// Container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI).
struct ContainerStep {
  std::string uri;           ///< The URL to fetch: http://169.254.170.2 + the relative URI, or the full URI.
  std::string uri_variable;  ///< The variable it came from.
  bool has_authorization_token = false;  ///< AWS_CONTAINER_AUTHORIZATION_TOKEN is set.
  std::string authorization_token_file;  ///< AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, if set.
};

/// EC2 instance metadata (IMDS).
struct ImdsStep {
  std::string endpoint;       ///< AWS_EC2_METADATA_SERVICE_ENDPOINT / ec2_metadata_service_endpoint, if set.
  std::string endpoint_mode;  ///< ..._ENDPOINT_MODE / ec2_metadata_service_endpoint_mode, if set.
};

/// credential_source = Environment | Ec2InstanceMetadata | EcsContainer in a role profile.
struct NamedSourceStep {
  std::string profile;                              ///< The role profile that names the source.
  std::string source;                               ///< The canonical name, exactly as botocore accepts it.
  CredentialMethod method = CredentialMethod::env;  ///< env, container-role or iam-role.
  std::optional<StaticKeysStep> environment;        ///< For Environment: the keys found there.
  std::optional<ContainerStep> container;           ///< For EcsContainer.
  std::optional<ImdsStep> imds;                     ///< For Ec2InstanceMetadata.
};

/// AssumeRoleWithWebIdentity. Each of the three values comes from the environment (when allowed
/// and set) or else from the profile, independently, as in botocore.
struct WebIdentityStep {
  std::string profile;  ///< Empty when there is no profile (all values from the environment).
  std::string role_arn;
  std::string web_identity_token_file;
  std::optional<std::string> role_session_name;  ///< Unset or empty: the CLI generates one.
  bool role_arn_from_env = false;
  bool token_file_from_env = false;
  bool role_session_name_from_env = false;
};

/// SSO GetRoleCredentials, with the profile and its [sso-session] merged.
struct SsoStep {
  std::string profile;
  std::optional<std::string> sso_session;  ///< Set for the sso_session form.
  std::string sso_start_url;
  std::string sso_region;
  std::string sso_account_id;
  std::string sso_role_name;
};

/// The `aws login` session named by login_session: credentials cached in ~/.aws/login/cache,
/// refreshed with signin CreateOAuth2Token (see login_session.hpp).
struct LoginStep {
  std::string profile;
  std::string session;  ///< login_session
};

/// credential_process.
struct ProcessStep {
  std::string profile;
  std::string command;     ///< As written; split with POSIX shell quoting, run without a shell.
  std::string account_id;  ///< The profile's aws_account_id, a fallback for AccountId.
};

/// One AssumeRole call, made with the credentials of the step before it.
struct AssumeRoleStep {
  std::string profile;
  std::string role_arn;
  std::optional<std::string> external_id;
  std::optional<std::string> role_session_name;  ///< Unset or empty: the CLI generates one.
  std::optional<std::string> mfa_serial;         ///< SerialNumber; the CLI then prompts for a code.
  std::optional<long long> duration_seconds;     ///< Unset when absent or not an integer.
  std::string source_profile;                    ///< The source_profile, or empty.
  std::string credential_source;                 ///< The credential_source, or empty.
};

using CredentialStep = std::variant<StaticKeysStep, NamedSourceStep, WebIdentityStep, SsoStep, LoginStep,
                                    ProcessStep, ContainerStep, ImdsStep, AssumeRoleStep>;

/// A provider that did not apply, and why.
struct SkippedProvider {
  CredentialMethod method = CredentialMethod::env;
  std::string reason;
};

/// What the chain will do for one profile.
struct CredentialPlan {
  std::string profile;
  CredentialMethod method = CredentialMethod::env;  ///< The winning provider.
  std::vector<CredentialStep> steps;                ///< Base first, then each role to assume.
  std::vector<SkippedProvider> skipped;             ///< The providers before the winner, in order.
  /// Things the CLI silently ignores or overrides (a source_profile without role_arn, keys shadowed
  /// by role_arn, a duration_seconds that is not an integer, ...).
  std::vector<std::string> notes;
};

/// Decides the chain for `profile` as the AWS CLI v2 does. Pure: reads only the model and `env`.
/// Errors (a profile that does not exist, a missing source profile, a source_profile loop with the
/// whole loop named, partial keys, an invalid credential_source, incomplete SSO settings, no
/// credentials anywhere, ...) are one message that names the profile(s).
///
/// Limitation: the model merges the two files key by key, so when the credentials file shadows a
/// config-file key of the same profile, the config-file provider sees the merged value.
Result<CredentialPlan> plan_credentials(const ProfileModel& model, const SelectedProfile& profile,
                                        const EnvLookup& env);

/// Which provider a profile's own keys select, in the chain's order: "assume-role" (role_arn
/// without web_identity_token_file), "web-identity" (web_identity_token_file), "sso"
/// (sso_account_id or sso_role_name), "static" (aws_access_key_id), "login" (login_session),
/// "process" (credential_process), else "config-only". A profile with only sso_session is config-only: the
/// CLI's SSO credential provider needs sso_account_id or sso_role_name.
std::string_view profile_kind(const Section& profile);

/// The key that says when a profile's session credentials expire (an ISO 8601 time). botocore and
/// the AWS CLI ignore it; tools that write session credentials into the files agree on it, and
/// awsprof reads it (lint, list) and writes it (import).
inline constexpr std::string_view kSessionExpirationKey = "aws_expiration";

/// The profile's aws_expiration, else `expiration` (which some older tools write); nullptr when it
/// has neither.
const Setting* session_expiration(const Section& profile);

// ---------------------------------------------------------------------------------------------
// Resolution without the network

/// Which role results may be read from and written to the AWS CLI's cache (~/.aws/cli/cache). Its
/// keys (credential_cache.hpp) do not name the endpoint, so credentials from an endpoint that a
/// normal run would not call (--endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, a [services]
/// or profile endpoint_url: an emulator, a test double) would be taken for the real ones by the AWS
/// CLI, botocore and later awsprof runs. Such results are neither written nor read.
struct SharedCacheUse {
  bool sts = true;  ///< AssumeRole, AssumeRoleWithWebIdentity: the STS endpoint is the partition's.
  bool sso = true;  ///< SSO GetRoleCredentials: the SSO portal is the regional default.
};

/// What resolve_offline() may touch.
struct OfflineContext {
  FileSystem* fs = nullptr;  ///< For the CLI cache, the SSO token cache and token files. Required.
  EnvLookup env;             ///< For the cache locations (HOME).
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  ProcessOptions process;  ///< How credential_process is run.
  SharedCacheUse cache_use;  ///< Which role steps may come from the CLI cache.
  /// Runs credential_process; defaults to run_credential_process. Tests may map paths.
  std::function<Result<ProcessCredentials>(const std::string& command, const ProcessOptions&)> run_process;
};

/// Why credentials could not be had, for a person: a code, one line, and what to do.
struct CredentialError {
  /// The service's error code (STS "SignatureDoesNotMatch", SSO "UnauthorizedException", ...) or
  /// awsprof's own: "ConfigError", "NoCredentials", "ProcessError", "MfaRequired",
  /// "SsoLoginRequired", "ContainerError", "MetadataError", "WebIdentityTokenError",
  /// "TransportError", "BadResponse", "CacheError", "Timeout".
  std::string code;
  std::string message;  ///< Never holds a secret.
  std::string hint;     ///< May be empty.
};

/// Credentials obtained.
struct ResolvedCredentials {
  Credentials credentials;
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string account_id;
  std::string source;  ///< In words: "environment", "credentials file", "cache <path>", ...
};

/// How far resolve_offline() got.
struct OfflineResolution {
  std::optional<ResolvedCredentials> credentials;  ///< Set when the plan was carried out.
  /// Otherwise: the index in plan.steps of the first step that needs the network, and what it needs
  /// ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sso:GetRoleCredentials",
  /// "container credentials endpoint", "instance metadata").
  std::size_t network_step = 0;
  std::string network_call;
  /// The credentials of the step before network_step, when that step needs them (AssumeRole).
  std::optional<ResolvedCredentials> source_credentials;
};

/// Carries out the plan as far as the network allows, as the CLI would: the base step is resolved
/// first (keys, or credential_process run), then the newest role step with fresh credentials in
/// the CLI cache wins (only steps that context.cache_use shares). An SSO step whose token is missing or
/// expired is an error, as in the CLI.
Result<OfflineResolution> resolve_offline(const CredentialPlan& plan, const OfflineContext& context);

}  // namespace awsprof
