// Finishing credential resolution over the network, as the AWS CLI v2 (botocore) does, and checking
// the result with STS GetCallerIdentity.
//
//  - read_network_settings() reads what shapes the network calls of one profile: region, STS
//    endpoint (--endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, [services] sts endpoint_url,
//    endpoint_url, else regional), retries, CA bundle and the instance-metadata timeouts.
//  - resolve_credentials() carries a CredentialPlan to the end: resolve_offline() first (keys,
//    credential_process, the CLI cache, SSO token checks), then each step that needs the network:
//    container credentials, IMDSv2, SSO GetRoleCredentials (the SSO token refreshed first when
//    due, see sso_token.hpp), the `aws login` session's refresh (login_session.hpp),
//    AssumeRoleWithWebIdentity and each AssumeRole hop (signed with the previous hop's credentials). Assumed-role, web-identity and SSO
//    results are written to the CLI cache (~/.aws/cli/cache, 0600) and reused until near expiry,
//    unless they come from a configured endpoint (SharedCacheUse): the cache key does not name the
//    endpoint, so the AWS CLI would take an emulator's credentials for the real ones.
//    The one STS endpoint applies to every STS call of the profile, so a whole chain can be tested
//    against one emulator.
//  - resolve_profile() and test_profile() do it all for one profile of a model: plan, settings,
//    an HttpClient of their own (so they may run on several threads at once), resolution and, for
//    test_profile, GetCallerIdentity.
//
// Credentials are secret: errors, chain labels and log lines never hold one.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awsprof/credential_chain.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/http_client.hpp"
#include "awsprof/locations.hpp"
#include "awsprof/profile_model.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sso_token.hpp"
#include "awsprof/sts_client.hpp"

namespace awsprof {

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/// What the command line says about the network (empty / nullopt: not given).
struct NetworkOverrides {
  std::string region;                                        ///< --region
  std::string endpoint_url;                                  ///< --endpoint-url
  std::string ca_bundle;                                     ///< --ca-bundle
  bool verify_tls = true;                                    ///< false for --no-verify-ssl
  std::optional<std::chrono::milliseconds> connect_timeout;  ///< --cli-connect-timeout
  std::optional<std::chrono::milliseconds> read_timeout;     ///< --cli-read-timeout
};

/// The network settings of one profile, as the AWS CLI v2 reads them.
struct NetworkSettings {
  StsEndpointInputs sts;   ///< region (--region, AWS_REGION, AWS_DEFAULT_REGION, region) and endpoints
  RetryOptions retry;      ///< retry_mode / AWS_RETRY_MODE, max_attempts / AWS_MAX_ATTEMPTS
  HttpClientOptions http;  ///< ca_bundle (--ca-bundle, AWS_CA_BUNDLE, ca_bundle), TLS, timeouts
  /// metadata_service_timeout / AWS_METADATA_SERVICE_TIMEOUT (seconds; default 1).
  std::chrono::milliseconds metadata_timeout{1000};
  /// metadata_service_num_attempts / AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1).
  int metadata_attempts = 1;
  /// AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled: no IMDSv1 fallback.
  bool imds_v1_disabled = false;
  /// The SSO portal's configured URL, as botocore picks one for the sso client: AWS_ENDPOINT_URL_SSO,
  /// AWS_ENDPOINT_URL, [services] sso endpoint_url, endpoint_url (--endpoint-url is STS's only).
  /// Empty: https://portal.sso.<sso_region>.amazonaws.com, or the FIPS / dual-stack forms
  /// (portal.sso-fips.<r>.amazonaws.com, portal.sso.<r>.api.aws, portal.sso-fips.<r>.api.aws).
  std::string sso_endpoint_url;
  /// SSO OIDC's configured URL (token refresh, `sso login`), likewise: AWS_ENDPOINT_URL_SSO_OIDC,
  /// AWS_ENDPOINT_URL, [services] sso_oidc endpoint_url, endpoint_url. Empty:
  /// https://oidc.<sso_region>.amazonaws.com (or its FIPS / dual-stack form).
  std::string sso_oidc_endpoint_url;
  /// AWS Sign-In's configured URL (the `aws login` session's refresh), likewise:
  /// AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, [services] signin endpoint_url, endpoint_url.
  std::string signin_endpoint_url;
};

/// Reads the settings of `profile` (which may be missing: then only the environment and the flags
/// count). Fails on a value the CLI would refuse (retry_mode "legacy" is accepted, as botocore does;
/// a max_attempts or metadata value that is not a number is an error naming the key).
Result<NetworkSettings> read_network_settings(const ProfileModel& model, std::string_view profile,
                                              const EnvLookup& env, const NetworkOverrides& overrides);

/// The STS endpoint for these settings. With no region at all the CLI uses the global endpoint
/// (https://sts.amazonaws.com, signed for us-east-1); so does this.
Result<StsEndpoint> sts_endpoint_for(const NetworkSettings& settings);

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

/// The error an STS call gives, with its code, message (StsError::to_string) and hint.
CredentialError credential_error_from_sts(const StsError& error);

/// What the MFA callback is asked for.
struct MfaRequest {
  std::string profile;     ///< The role profile with mfa_serial.
  std::string mfa_serial;  ///< The device (an ARN or a serial number).
};
/// Returns the current code (6 digits), or an error (no terminal, no --mfa-code, ...).
using MfaCodeProvider = std::function<Result<std::string>(const MfaRequest& request)>;

/// MFA sessions shared by the profiles of one run, so that a device is asked for once (awsprof test
/// over several profiles). The AWS CLI asks once per role: each AssumeRole carries the device and a
/// code, and STS takes a code only once. For a device this run's roles name more than once, the
/// first role to need it asks instead, and trades the code, with the long-term keys it is assumed
/// with, for an MFA session (STS GetSessionToken); every role of that device and those keys is then
/// assumed with the session, whose calls carry the MFA context that role trust policies check
/// (aws:MultiFactorAuthPresent). Sessions live in memory for the run only, never on disk. A role
/// whose source credentials are temporary (a chain's later hop) cannot open one (STS refuses
/// GetSessionToken with them), and asks for its own code as the CLI does. Thread-safe.
class MfaSessions {
 public:
  /// `devices`: those to open sessions for (devices_named_twice); other devices are asked per role.
  explicit MfaSessions(std::set<std::string> devices);
  MfaSessions(const MfaSessions&) = delete;
  MfaSessions& operator=(const MfaSessions&) = delete;

  bool covers(std::string_view device) const { return devices_.count(std::string(device)) > 0; }

  /// The session of `device` for the keys `access_key_id`: the one opened already, else what `open`
  /// returns (called while no other caller opens the same one). A failure is not kept: the next
  /// caller opens it again.
  Result<Credentials> session(const std::string& device, const std::string& access_key_id,
                              const std::function<Result<Credentials>()>& open);

 private:
  struct Entry {
    std::mutex opening;
    std::optional<Credentials> credentials;
  };
  const std::set<std::string> devices_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Entry>> entries_;
};

/// The MFA devices that more than one AssumeRole step of these profiles' plans names where the role
/// is assumed with long-term keys, so that a session can serve them (profiles that cannot be
/// planned are skipped).
std::set<std::string> devices_named_twice(const ProfileModel& model,
                                          std::span<const SelectedProfile> profiles, const EnvLookup& env);

/// Everything resolve_credentials() may use. Function members default when empty.
struct ResolverContext {
  FileSystem* fs = nullptr;  ///< The CLI cache, the SSO token cache and token files. Required.
  EnvLookup env;             ///< HOME, container and IMDS variables.
  std::function<std::chrono::system_clock::time_point()> now;  ///< default: the clock
  /// STS and the SSO portal. Required when a step needs them.
  HttpTransport* transport = nullptr;
  /// Container and instance metadata; nullptr: an HttpClient with metadata_timeout as both timeouts.
  HttpTransport* metadata_transport = nullptr;
  NetworkSettings settings;  ///< Retries and the metadata settings.
  StsEndpoint sts_endpoint;  ///< Every STS call goes here.
  MfaCodeProvider mfa_code;  ///< Unset: a role with mfa_serial fails with "MfaRequired".
  /// Shared by the profiles of a run: one prompt per device (see MfaSessions). nullptr: one prompt
  /// per role, as the AWS CLI asks.
  MfaSessions* mfa_sessions = nullptr;
  ProcessOptions process;    ///< How credential_process runs.
  /// Runs credential_process; default run_credential_process.
  std::function<Result<ProcessCredentials>(const std::string& command, const ProcessOptions&)> run_process;
  /// Write assumed-role, web-identity and SSO results to ~/.aws/cli/cache (it is always read).
  /// Either way, a step whose endpoint is configured (sts_endpoint.configured(), an SSO endpoint
  /// URL) neither reads nor writes it: see SharedCacheUse.
  bool write_cache = true;
  /// Every network step works within it: each request carries it (HttpRequest::deadline, so a
  /// stalled exchange is cut there), no call or retry starts after it, retry waits are cut to it,
  /// credential_process is killed at it ("Timeout"). Time spent at the MFA prompt moves it later.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::function<void(std::chrono::milliseconds)> sleep;  ///< Retry waits; default: sleep_for.
  std::function<double()> random;                        ///< Retry jitter; default: a PRNG.
  /// Debug lines (what is called, where, with which status); never a secret.
  std::function<void(std::string_view line)> log;
  /// The SSO portal, for tests; "" uses settings.sso_endpoint_url or the regional portal.
  std::string sso_endpoint;
  /// The SSO access tokens of the run, refreshed once however many profiles use them (see
  /// SsoTokenProvider). nullptr: one of its own per resolution.
  SsoTokenProvider* sso_tokens = nullptr;
};

/// How resolution ended. `chain` has one label per plan step (see chain_label), whether or not
/// resolution got that far.
struct CredentialResolution {
  std::vector<std::string> chain;
  std::optional<ResolvedCredentials> credentials;  ///< Set on success.
  std::optional<CredentialError> error;            ///< Set on failure.
  /// Time spent waiting for a person (the MFA prompt); the deadline was moved by as much.
  std::chrono::milliseconds waited_for_input{0};
  bool ok() const { return credentials.has_value(); }
};

/// A step in words, without secrets: "env", "static(dev)", "process(dev)",
/// "assume-role(arn:aws:iam::1:role/r)", "web-identity(arn…)", "sso(123456789012/Admin)",
/// "container", "imds", "env(source of dev)"...
std::string chain_label(const CredentialStep& step);

/// The role session name botocore generates when none is configured: "botocore-session-<unix time>".
std::string generated_session_name(std::chrono::system_clock::time_point now);

/// Carries `plan` to the end; see the top of this file.
CredentialResolution resolve_credentials(const CredentialPlan& plan, const ResolverContext& context);

// ---------------------------------------------------------------------------------------------
// One profile, end to end
// ---------------------------------------------------------------------------------------------

/// What resolve_profile() and test_profile() need besides the model.
struct ProfileRunOptions {
  FileSystem* fs = nullptr;  ///< Required.
  EnvLookup env;
  NetworkOverrides overrides;
  MfaCodeProvider mfa_code;
  MfaSessions* mfa_sessions = nullptr;  ///< See ResolverContext::mfa_sessions.
  SsoTokenProvider* sso_tokens = nullptr;  ///< See ResolverContext::sso_tokens.
  /// Per profile: the whole resolution and call, every network step included (a deadline carried
  /// through each request, retry and credential_process), but not the time spent at an MFA prompt.
  std::optional<std::chrono::milliseconds> timeout;
  std::function<void(std::string_view line)> log;  ///< Debug lines, never a secret.
  ProcessStderr process_stderr = ProcessStderr::inherit;
  /// For tests: the transports to use instead of new HttpClients.
  HttpTransport* transport = nullptr;
  HttpTransport* metadata_transport = nullptr;
};

/// One profile's resolution.
struct ProfileCredentials {
  std::string profile;
  std::vector<std::string> chain;
  std::optional<ResolvedCredentials> credentials;
  std::optional<CredentialError> error;
  std::optional<StsEndpoint> endpoint;  ///< The STS endpoint used, when settings could be read.
};

/// Plans, reads the settings, and resolves `profile`'s credentials.
ProfileCredentials resolve_profile(const ProfileModel& model, const SelectedProfile& profile,
                                   const ProfileRunOptions& options);

/// resolve_profile, then STS GetCallerIdentity with the credentials.
struct ProfileTest {
  std::string profile;
  std::vector<std::string> chain;
  std::optional<CallerIdentity> identity;  ///< Set on success.
  std::optional<CredentialError> error;
  std::chrono::milliseconds elapsed{0};
  bool ok() const { return identity.has_value(); }
};
ProfileTest test_profile(const ProfileModel& model, const SelectedProfile& profile,
                         const ProfileRunOptions& options);

}  // namespace awsprof
