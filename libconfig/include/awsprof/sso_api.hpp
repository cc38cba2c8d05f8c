// The two web APIs of AWS IAM Identity Center, as botocore's service models describe them
// (rest-json, unsigned), over an HttpTransport:
//
//  - SSO OIDC (https://oidc.{region}.amazonaws.com): RegisterClient, StartDeviceAuthorization and
//    CreateToken (the device code, authorization code and refresh token grants). Errors carry the
//    exception shape (x-amzn-ErrorType, "AuthorizationPendingException") and the OAuth error
//    ("authorization_pending") of the body.
//  - The SSO portal (https://portal.sso.{region}.amazonaws.com): GetRoleCredentials, ListAccounts,
//    ListAccountRoles and Logout, each with the access token in x-amz-sso_bearer_token.
//
// Failed attempts are retried as botocore retries them (is_retryable, retry_delay) within a
// deadline. Tokens, client secrets and credentials are secret: no error or log line holds one.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/http_client.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sigv4.hpp"
#include "awsprof/sts_client.hpp"

namespace awsprof {

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

enum class SsoService {
  oidc,    ///< SSO OIDC; configured by AWS_ENDPOINT_URL_SSO_OIDC or [services] sso_oidc
  portal,  ///< the SSO portal; configured by AWS_ENDPOINT_URL_SSO or [services] sso
};

/// An endpoint URL the user configured for `service` ("SSO", "sign-in"): parsed, trailing slashes
/// dropped (the request paths are appended); the error names the service and the URL.
Result<Url> configured_endpoint_url(std::string_view service, std::string_view text);

/// Where a service's requests go: the configured URL (see NetworkSettings), else the regional one
/// from the partition of `region`: https://oidc.{region}.{suffix} and
/// https://portal.sso.{region}.{suffix}; FIPS "oidc-fips." / "portal.sso-fips."; dual-stack the
/// partition's dual-stack suffix (oidc.us-east-1.api.aws). Fails on a configured URL that is not
/// http(s), or on a region that is empty or not a host label.
Result<Url> sso_endpoint(SsoService service, std::string_view region, std::string_view configured_url,
                         bool use_fips, bool use_dualstack);

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

enum class SsoErrorKind {
  transport,     ///< no HTTP response (DNS, connect, TLS, timeout, proxy)
  service,       ///< the service answered with an error status
  bad_response,  ///< a success status with a body that is not the expected JSON
};

struct SsoApiError {
  SsoErrorKind kind = SsoErrorKind::service;
  /// "sso-oidc:CreateToken", "sso:GetRoleCredentials", ...
  std::string operation;
  int http_status = 0;
  /// The exception shape (x-amzn-ErrorType before any ':', else the body's "__type"):
  /// "AuthorizationPendingException", "UnauthorizedException", "TooManyRequestsException", ...
  std::string code;
  /// OIDC only: the body's OAuth "error" ("authorization_pending", "slow_down", "invalid_grant").
  std::string oauth_error;
  /// The body's error_description or message, or the transport error. Never a secret.
  std::string message;
  int attempts = 0;
  /// A retryable failure not retried because the deadline left no time for another attempt.
  bool out_of_time = false;

  /// "sso-oidc:CreateToken failed: InvalidGrantException (HTTP 400): Invalid refresh token", or
  /// "... failed: <transport error>", with " (after N attempts)" when retried.
  std::string to_string() const;
};

template <typename T>
using SsoResult = Expected<T, SsoApiError>;

/// How a client reaches its service. Function members default (when empty) to the real thing.
struct SsoClientOptions {
  Url endpoint;  ///< from sso_endpoint(); its path, if any, prefixes every request's
  RetryOptions retry;
  std::function<void(std::chrono::milliseconds)> sleep;  ///< default: std::this_thread::sleep_for
  std::function<double()> random;                        ///< in [0, 1); default: a PRNG
  /// Every attempt carries it; no attempt starts after it, and no retry whose wait would reach it.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// One line per attempt: operation, URL path, status. Never a secret.
  std::function<void(std::string_view line)> log;
};

// ---------------------------------------------------------------------------------------------
// SSO OIDC
// ---------------------------------------------------------------------------------------------

inline constexpr std::string_view kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

/// RegisterClient's parameters. Empty lists and strings are not sent.
struct RegisterClientRequest {
  std::string client_name;             ///< required
  std::string client_type = "public";  ///< required
  std::vector<std::string> scopes;
  std::vector<std::string> grant_types;
  std::vector<std::string> redirect_uris;
  std::string issuer_url;
};

/// A registered client. Holds a secret.
struct RegisteredClient {
  std::string client_id;
  std::string client_secret;
  long long client_id_issued_at = 0;       ///< seconds since the epoch
  long long client_secret_expires_at = 0;  ///< seconds since the epoch
};

struct DeviceAuthorization {
  std::string device_code;  ///< secret: it is what CreateToken trades for a token
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;
  int expires_in = 0;  ///< seconds
  std::optional<int> interval;
};

/// CreateToken's parameters. Empty strings are not sent.
struct CreateTokenRequest {
  std::string client_id;
  std::string client_secret;
  std::string grant_type;  ///< kDeviceCodeGrant, "authorization_code" or "refresh_token"
  std::string device_code;
  std::string code;
  std::string redirect_uri;
  std::string code_verifier;
  std::string refresh_token;
};

/// CreateToken's answer. Holds secrets.
struct CreatedToken {
  std::string access_token;
  std::string token_type;
  int expires_in = 0;  ///< seconds
  std::optional<std::string> refresh_token;
};

class SsoOidcClient {
 public:
  /// `transport` must outlive the client.
  SsoOidcClient(HttpTransport& transport, SsoClientOptions options);

  SsoResult<RegisteredClient> register_client(const RegisterClientRequest& request);
  SsoResult<DeviceAuthorization> start_device_authorization(const std::string& client_id,
                                                            const std::string& client_secret,
                                                            const std::string& start_url);
  SsoResult<CreatedToken> create_token(const CreateTokenRequest& request);
  /// The endpoint's origin and path, where the browser's /authorize page is.
  std::string base_url() const;

 private:
  HttpTransport& transport_;
  SsoClientOptions options_;
};

// ---------------------------------------------------------------------------------------------
// The SSO portal
// ---------------------------------------------------------------------------------------------

/// GetRoleCredentials' answer. Holds secrets.
struct RoleCredentials {
  Credentials credentials;
  std::chrono::system_clock::time_point expiration;  ///< from milliseconds since the epoch
};

struct SsoAccount {
  std::string account_id;
  std::string account_name;
  std::string email_address;
};

struct SsoAccountPage {
  std::vector<SsoAccount> accounts;
  std::optional<std::string> next_token;
};

struct SsoRolePage {
  std::vector<std::string> role_names;
  std::optional<std::string> next_token;
};

class SsoPortalClient {
 public:
  /// `transport` must outlive the client.
  SsoPortalClient(HttpTransport& transport, SsoClientOptions options);

  SsoResult<RoleCredentials> get_role_credentials(const std::string& access_token,
                                                  const std::string& account_id,
                                                  const std::string& role_name);
  /// One page; `max_results` 1..100 when set.
  SsoResult<SsoAccountPage> list_accounts(const std::string& access_token,
                                          const std::optional<std::string>& next_token,
                                          std::optional<int> max_results = std::nullopt);
  SsoResult<SsoRolePage> list_account_roles(const std::string& access_token, const std::string& account_id,
                                            const std::optional<std::string>& next_token,
                                            std::optional<int> max_results = std::nullopt);
  /// Ends the portal session of the token (the token and its refresh token stop working).
  SsoResult<bool> logout(const std::string& access_token);

 private:
  HttpTransport& transport_;
  SsoClientOptions options_;
};

}  // namespace awsprof
