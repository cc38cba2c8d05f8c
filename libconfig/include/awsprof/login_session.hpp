// The `aws login` session of a profile's login_session, as botocore 1.43 reads and refreshes it
// (credentials.py LoginProvider, LoginCredentialFetcher; utils.LoginTokenLoader).
//
// The session is a file in ~/.aws/login/cache (AWS_LOGIN_CACHE_DIRECTORY), named by the SHA-256
// (hex) of the session name, that holds short-lived credentials, a refresh token and the private
// key of its DPoP proofs:
//   {"accessToken": {"accessKeyId", "secretAccessKey", "sessionToken", "accountId", "expiresAt"},
//    "refreshToken", "dpopKey" (an EC P-256 private key, PEM), "clientId", ...}
// The cached credentials are used while more than 5 minutes are left. Then they are refreshed with
// AWS Sign-In's CreateOAuth2Token (POST /v1/token, grantType refresh_token), which must carry a DPoP
// proof (RFC 9449: an ES256 JWT over the method and URL, with the key's public half), and the file is
// rewritten as botocore rewrites it (its keys in their order, a new accessToken and refreshToken),
// under the cache directory's lock, so that concurrent processes refresh once.
// awsprof does not log in itself: the session comes from `aws login` (AWS CLI v2.32 and later).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "awsprof/credential_chain.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/http_client.hpp"
#include "awsprof/locations.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sts_client.hpp"

namespace awsprof {

/// AWS_LOGIN_CACHE_DIRECTORY (~ and $VARIABLES expanded), else ~/.aws/login/cache.
std::string login_cache_directory(const EnvLookup& env);
/// The session's file: the directory, then the SHA-256 (hex) of the session name and ".json".
std::string login_cache_path(const EnvLookup& env, std::string_view session);

/// botocore refreshes when no more than this is left (LoginCredentialFetcher._REFRESH_THRESHOLD).
inline constexpr std::chrono::seconds kLoginRefreshThreshold{5 * 60};

/// A session file. Holds secrets.
struct LoginToken {
  Credentials credentials;
  std::string account_id;
  std::string expires_at;  ///< as written
  std::chrono::system_clock::time_point expiry;
  std::string client_id;
  std::string refresh_token;
  std::string dpop_key;  ///< PEM
};

/// Reads a session file; the error is botocore's ("... missing required fields: refreshToken").
Result<LoginToken> parse_login_token(std::string_view bytes);

/// The DPoP proof botocore sends (credentials._build_dpop_header): base64url of the header
/// {"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x","y","crv":"P-256"}}, of the payload
/// {"htm":"POST","htu":url,"iat":issued_at,"jti":jti}, and of the ES256 signature (r and s, 32
/// bytes each). `dpop_key` is the PEM (or its base64 DER body). Fails on a key that is not an EC
/// P-256 private key.
Result<std::string> dpop_proof(std::string_view dpop_key, std::string_view url, std::int64_t issued_at,
                               std::string_view jti);

/// Where AWS Sign-In's requests go: the configured URL (AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL,
/// [services] signin, endpoint_url), else from its rule set: https://{region}.signin.aws.amazon.com
/// (aws), {region}.signin.amazonaws.cn, {region}.signin.amazonaws-us-gov.com, otherwise
/// https://signin.{region}.{suffix}; FIPS signin-fips.{region}.{suffix}, dual-stack the
/// partition's dual-stack suffix.
Result<Url> signin_endpoint(std::string_view region, std::string_view configured_url, bool use_fips,
                            bool use_dualstack);

/// What login_session_credentials() may use.
struct LoginSessionContext {
  FileSystem* fs = nullptr;  ///< Required.
  EnvLookup env;
  std::function<std::chrono::system_clock::time_point()> now;  ///< default: the clock
  HttpTransport* transport = nullptr;                          ///< AWS Sign-In; nullptr: never refreshed.
  Url endpoint;                                                ///< from signin_endpoint()
  RetryOptions retry;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::chrono::milliseconds lock_timeout{10'000};
  std::function<void(std::string_view line)> log;  ///< never a secret
};

/// The session's credentials: the cached ones while more than kLoginRefreshThreshold is left, else
/// refreshed (and saved). Errors: "LoginRequired" (no session, or the service says it expired or
/// the credentials changed: `aws login` again), "AccessDeniedException" (no permission for
/// signin:CreateOAuth2Token), "CacheError", "TransportError", "Timeout", the service's code.
Expected<ResolvedCredentials, CredentialError> login_session_credentials(const LoginStep& step,
                                                                         const LoginSessionContext& context);

}  // namespace awsprof
