// AWS STS over the query protocol (API version 2011-06-15): GetCallerIdentity, AssumeRole and
// AssumeRoleWithWebIdentity. Requests are form-encoded POSTs signed with SigV4 (service "sts"); the
// XML replies are parsed with expat. Also here, as pure functions: the endpoint a request goes to,
// the XML parsers, what an STS error code means, and botocore's retry rules.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "awsprof/http_client.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sigv4.hpp"

namespace awsprof {

// ---------------------------------------------------------------------------------------------
// Endpoint resolution
// ---------------------------------------------------------------------------------------------

/// `sts_regional_endpoints` / AWS_STS_REGIONAL_ENDPOINTS. botocore's default is `regional`; AWS CLI
/// v2 has no such setting and always behaves as `regional`.
enum class StsRegionalEndpoints { regional, legacy };

/// Parses "regional" or "legacy" (ASCII case-insensitive).
Result<StsRegionalEndpoints> parse_sts_regional_endpoints(std::string_view text);

/// Everything the endpoint depends on. Empty strings mean "not set". The caller reads the flags,
/// the environment and the profile; this struct only carries the values.
struct StsEndpointInputs {
  std::string region;                       ///< --region, AWS_REGION, AWS_DEFAULT_REGION, profile `region`
  std::string endpoint_url;                 ///< --endpoint-url (always wins)
  std::string env_service_endpoint_url;     ///< AWS_ENDPOINT_URL_STS
  std::string env_endpoint_url;             ///< AWS_ENDPOINT_URL
  std::string config_service_endpoint_url;  ///< the profile's `services` section: `sts = endpoint_url = ...`
  std::string config_endpoint_url;          ///< the profile's `endpoint_url`
  /// `ignore_configured_endpoint_urls` / AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: only --endpoint-url counts.
  bool ignore_configured_endpoint_urls = false;
  StsRegionalEndpoints regional_endpoints = StsRegionalEndpoints::regional;
  bool use_fips_endpoint = false;       ///< `use_fips_endpoint` / AWS_USE_FIPS_ENDPOINT
  bool use_dualstack_endpoint = false;  ///< `use_dualstack_endpoint` / AWS_USE_DUALSTACK_ENDPOINT
};

/// Where STS requests go and how they are signed.
struct StsEndpoint {
  std::string url;             ///< e.g. "https://sts.us-west-2.amazonaws.com"
  std::string signing_region;  ///< "us-east-1" for the global endpoint, else the region
  /// Which input decided: "--endpoint-url", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL",
  /// "services.sts.endpoint_url", "endpoint_url", or "partition" (built from the region).
  std::string source;

  /// A URL that was configured (every source but "partition"): an emulator, a proxy, a test double.
  bool configured() const { return source != "partition"; }
};

/// A region's partition's DNS suffixes (botocore partitions.json): "amazonaws.com" and "api.aws"
/// for aws and aws-us-gov, "amazonaws.com.cn" and "api.amazonwebservices.com.cn" for aws-cn, ...
/// A region no partition pattern matches is in aws.
struct PartitionDnsSuffixes {
  std::string dns_suffix;
  std::string dual_stack_dns_suffix;
};
PartitionDnsSuffixes partition_dns_suffixes(const std::string& region);

/// Picks the endpoint as botocore does. A configured URL wins, in this order: --endpoint-url,
/// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the services section's sts endpoint_url, the profile's
/// endpoint_url (all but the first skipped when ignore_configured_endpoint_urls); FIPS and dual-stack
/// are then ignored, as in botocore. Otherwise, from STS's endpoint rule set and partitions.json:
///   - FIPS + dual-stack:  https://sts-fips.{region}.{dual-stack suffix}  (sts-fips.us-east-1.api.aws)
///   - FIPS:               https://sts-fips.{region}.{suffix}; GovCloud: https://sts.{region}.amazonaws.com
///   - dual-stack:         https://sts.{region}.{dual-stack suffix}       (sts.us-east-1.api.aws)
///   - legacy, and the region one of the 16 regions that used the global endpoint, or "aws-global":
///                         https://sts.amazonaws.com, signed for us-east-1
///   - otherwise:          https://sts.{region}.{suffix}                 (sts.us-west-2.amazonaws.com)
/// Suffixes: aws amazonaws.com / api.aws, aws-cn amazonaws.com.cn / api.amazonwebservices.com.cn,
/// aws-us-gov amazonaws.com / api.aws, and the ISO and EUSC partitions. Fails when the region is
/// missing or not a valid host label, or a configured URL is not an http(s) URL.
Result<StsEndpoint> resolve_sts_endpoint(const StsEndpointInputs& inputs);

// ---------------------------------------------------------------------------------------------
// The query protocol
// ---------------------------------------------------------------------------------------------

inline constexpr std::string_view kStsApiVersion = "2011-06-15";
inline constexpr std::string_view kStsContentType = "application/x-www-form-urlencoded; charset=utf-8";

/// Percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (RFC 3986 unreserved); a space is "%20".
std::string form_url_encode(std::string_view text);

/// "k1=v1&k2=v2", each name and value form_url_encode'd, in the given order.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& parameters);

/// The caller, as GetCallerIdentity reports it.
struct CallerIdentity {
  std::string user_id;  ///< "AIDA..." for a user, "AROA...:session" for an assumed role
  std::string account;  ///< 12 digits
  std::string arn;
};

/// Temporary credentials and who they are for: AssumeRole and AssumeRoleWithWebIdentity.
struct AssumedRoleCredentials {
  Credentials credentials;       ///< access key id, secret and session token: secret, never print
  std::string expiration;        ///< ISO 8601, e.g. "2024-01-01T12:00:00Z"
  std::string assumed_role_id;   ///< "AROA...:session"
  std::string assumed_role_arn;  ///< "arn:aws:sts::123456789012:assumed-role/ROLE/SESSION"
  std::optional<int> packed_policy_size;
  std::string source_identity;
  std::string subject_from_web_identity_token;  ///< web identity only
  std::string provider;                         ///< web identity only
  std::string audience;                         ///< web identity only
};

/// An STS error reply: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
struct StsServiceError {
  std::string type;  ///< "Sender" or "Receiver"
  std::string code;  ///< e.g. "AccessDenied"
  std::string message;
  std::string request_id;
};

/// Parses a GetCallerIdentityResponse. Fails (without echoing the body) on bad XML, a DOCTYPE, or a
/// missing Account or Arn.
Result<CallerIdentity> parse_get_caller_identity_response(std::string_view xml);

/// Parses an AssumeRoleResponse, AssumeRoleWithWebIdentityResponse or GetSessionTokenResponse. Fails
/// on bad XML or when a credential field is missing; the message never holds a credential.
Result<AssumedRoleCredentials> parse_assume_role_response(std::string_view xml);

/// Parses an error reply: the first <Error> element with a <Code>, anywhere in the document (so the
/// EC2-style <Response><Errors><Error> form is read too). nullopt when there is none.
std::optional<StsServiceError> parse_sts_error_response(std::string_view xml);

/// What an error code means for the user, and what to check. Unknown codes get a generic summary
/// and an empty hint.
struct StsErrorDescription {
  std::string_view summary;  ///< e.g. "the secret access key does not match the access key id"
  std::string_view hint;     ///< e.g. "check aws_secret_access_key ..."; may be empty
};
StsErrorDescription describe_sts_error(std::string_view code);

// ---------------------------------------------------------------------------------------------
// Retries (botocore retries/standard.py, data/_retry.json)
// ---------------------------------------------------------------------------------------------

/// `retry_mode` / AWS_RETRY_MODE. AWS CLI v2's default is `standard` (and it rejects `legacy`);
/// botocore's is `legacy`. `adaptive` adds client-side rate limiting to `standard`; here it retries
/// exactly as `standard`.
enum class RetryMode { standard, adaptive, legacy };

/// Parses "standard", "adaptive" or "legacy" (ASCII case-insensitive).
Result<RetryMode> parse_retry_mode(std::string_view text);

/// Total attempts (first try included) when max_attempts is not set: 3 (standard, adaptive), 5 (legacy).
int default_max_attempts(RetryMode mode);

/// How many times to try, and how long to wait at most between tries.
struct RetryOptions {
  RetryMode mode = RetryMode::standard;
  /// `max_attempts` / AWS_MAX_ATTEMPTS: total attempts, first try included; 0 uses the mode's default.
  int max_attempts = 0;
  /// The cap on one backoff (botocore: 20 s in standard mode; its legacy mode has none).
  std::chrono::milliseconds max_backoff{20'000};

  int effective_max_attempts() const { return max_attempts > 0 ? max_attempts : default_max_attempts(mode); }
};

/// Throttling error codes: standard mode's list (Throttling, ThrottlingException, RequestLimitExceeded,
/// TooManyRequestsException, SlowDown, ... 14 codes), or legacy mode's shorter list.
bool is_throttling_error(RetryMode mode, std::string_view code);

/// Whether a failed attempt is worth another try. A transport error (no HTTP response) always is.
/// Otherwise: a throttling code; status 500, 502, 503 or 504; and in standard and adaptive modes the
/// transient codes RequestTimeout, RequestTimeoutException, PriorRequestNotComplete and STS's
/// IDPCommunicationError; in legacy mode status 429 and 509. Never another 4xx.
bool is_retryable(RetryMode mode, bool transport_error, int http_status, std::string_view code);

/// The wait before retry number `retry` (1 for the first retry): full jitter,
/// random01 * min(2^(retry-1) s, max_backoff), with random01 in [0, 1).
std::chrono::milliseconds retry_delay(const RetryOptions& options, int retry, double random01);

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// Why an STS call failed.
enum class StsErrorKind {
  invalid_request,  ///< a parameter was missing or the request could not be signed; nothing was sent
  transport,        ///< no HTTP response (DNS, connect, TLS, timeout, proxy)
  service,          ///< STS answered with an error status
  bad_response,     ///< a success status with a body that is not the expected XML
};

struct StsError {
  StsErrorKind kind = StsErrorKind::service;
  std::string operation;  ///< "GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"
  int http_status = 0;    ///< 0 unless kind == service (or bad_response)
  std::string code;       ///< the STS error code, for kind == service
  std::string type;
  std::string message;  ///< the server's message, or the transport / parse error
  std::string request_id;
  int attempts = 0;  ///< how many requests were sent
  /// A retryable failure that was not retried because the deadline left no time for another attempt.
  bool out_of_time = false;

  /// describe_sts_error(code).summary / .hint, for kind == service.
  std::string_view summary() const;
  std::string_view hint() const;
  /// One line for a tool to print, e.g. "GetCallerIdentity failed: SignatureDoesNotMatch (HTTP 403):
  /// the secret access key does not match the access key id. <server message>". Never holds a secret.
  std::string to_string() const;

 private:
  /// " (after 3 attempts)", with why it stopped when out_of_time; "" for one attempt.
  std::string attempts_note() const;
};

/// A value, or an StsError.
template <typename T>
using StsResult = Expected<T, StsError>;

/// AssumeRole's parameters. Empty strings and nullopt are not sent.
struct AssumeRoleRequest {
  std::string role_arn;           ///< required
  std::string role_session_name;  ///< required; [\w+=,.@-]{2,64}
  std::string external_id;
  std::optional<int> duration_seconds;  ///< 900 to the role's maximum (at most 43200)
  std::string serial_number;            ///< the MFA device; sent only together with token_code
  std::string token_code;               ///< the 6-digit MFA code
  std::string policy;                   ///< an inline session policy (JSON)
  std::string source_identity;
};

/// AssumeRoleWithWebIdentity's parameters. Empty strings and nullopt are not sent.
struct AssumeRoleWithWebIdentityRequest {
  std::string role_arn;            ///< required
  std::string role_session_name;   ///< required
  std::string web_identity_token;  ///< required; secret, never in messages
  std::optional<int> duration_seconds;
  std::string policy;
};

/// GetSessionToken's parameters: an MFA session for long-term (IAM user) keys. Empty strings and
/// nullopt are not sent.
struct GetSessionTokenRequest {
  std::optional<int> duration_seconds;  ///< 900 to 129600
  std::string serial_number;            ///< the MFA device; sent only together with token_code
  std::string token_code;               ///< the 6-digit MFA code
};

/// The form parameters of each call, Action and Version first (exposed for tests).
std::vector<std::pair<std::string, std::string>> get_caller_identity_parameters();
std::vector<std::pair<std::string, std::string>> assume_role_parameters(const AssumeRoleRequest& request);
std::vector<std::pair<std::string, std::string>> assume_role_with_web_identity_parameters(
    const AssumeRoleWithWebIdentityRequest& request);
std::vector<std::pair<std::string, std::string>> get_session_token_parameters(
    const GetSessionTokenRequest& request);

/// How an StsClient reaches STS. The function members default (when empty) to the real thing; tests
/// inject their own so that nothing waits or depends on the clock.
struct StsClientOptions {
  StsEndpoint endpoint;  ///< from resolve_sts_endpoint
  RetryOptions retry;
  std::function<void(std::chrono::milliseconds)> sleep;        ///< default: std::this_thread::sleep_for
  std::function<double()> random;                              ///< in [0, 1); default: a seeded PRNG
  std::function<std::chrono::system_clock::time_point()> now;  ///< signing time; default: the clock
  /// Every attempt carries it (HttpRequest::deadline); no attempt starts after it, and a retry whose
  /// backoff would reach it is not made (the last error is returned).
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

/// Calls STS through an HttpTransport (an HttpClient, or a fake in tests). Each attempt is signed
/// afresh; failed attempts are retried by is_retryable with retry_delay between them, within the
/// deadline when there is one. Not
/// thread-safe (neither is HttpClient).
class StsClient {
 public:
  /// `transport` must outlive the client.
  StsClient(HttpTransport& transport, StsClientOptions options);

  /// Who the credentials belong to. Signed.
  StsResult<CallerIdentity> get_caller_identity(const Credentials& credentials);
  /// Temporary credentials for a role. Signed with `credentials`.
  StsResult<AssumedRoleCredentials> assume_role(const Credentials& credentials,
                                                const AssumeRoleRequest& request);
  /// Temporary credentials for a role, from an OIDC token. Not signed: the token is the credential.
  StsResult<AssumedRoleCredentials> assume_role_with_web_identity(
      const AssumeRoleWithWebIdentityRequest& request);
  /// Session credentials for the long-term keys that sign it, MFA-authenticated when the request
  /// has a device and code (the role fields of the result are empty). STS refuses temporary keys.
  StsResult<AssumedRoleCredentials> get_session_token(const Credentials& credentials,
                                                      const GetSessionTokenRequest& request);

 private:
  /// A 2xx reply.
  struct Reply {
    int status = 0;
    std::string body;
    int attempts = 0;
    StsError bad_response(std::string_view operation, std::string message) const;
  };
  /// Sends the form (signed when `credentials` is set) with retries; the 2xx reply, or the error.
  StsResult<Reply> call(std::string_view operation,
                        const std::vector<std::pair<std::string, std::string>>& parameters,
                        const Credentials* credentials);

  HttpTransport& transport_;
  StsClientOptions options_;
  Url url_;
  std::string url_error_;
};

}  // namespace awsprof
