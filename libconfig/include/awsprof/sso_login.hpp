// Logging in to IAM Identity Center as `aws sso login` (AWS CLI v2) does, into the same cache files
// (sso_token.hpp), by one of its two OAuth flows:
//
//  - the authorization code flow with PKCE (S256) and a loopback redirect, for an [sso-session]
//    (botocore SSOTokenFetcherAuth): the client is registered for authorization_code and
//    refresh_token with the redirect http://127.0.0.1/oauth/callback, a one-off listener on
//    127.0.0.1:<free port> waits for the browser's redirect, and CreateToken trades the code;
//  - the device authorization flow (SSOTokenFetcher), for a legacy login or when asked
//    (use_device_code): StartDeviceAuthorization, then CreateToken polled every `interval` seconds
//    through authorization_pending, 5 s more after each slow_down, until the code expires.
//
// A client registration is reused from the cache while it has 15 minutes left and was made for
// the same flow; the registration a service no longer knows (invalid_client) is replaced once.
// The token file is written under the cache directory's lock (FileSystem::update), so a login and
// a refresh in another process never interleave. The library prints nothing: what the user must do
// (open a URL, enter a code) goes to SsoLoginOptions::on_pending, which the tool shows.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "awsprof/credential_chain.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/http_client.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sso_api.hpp"
#include "awsprof/sso_token.hpp"

namespace awsprof {

/// What the user must do to authorize the login.
struct SsoLoginPrompt {
  bool browser_flow = false;     ///< The authorization code flow: open the URL in a browser on this machine.
  std::string verification_uri;  ///< The page to open.
  std::string verification_uri_complete;  ///< The same page with the code filled in (device flow).
  std::string user_code;                  ///< The code to enter (device flow only).
};

struct SsoLoginOptions {
  FileSystem* fs = nullptr;            ///< The cache. Required.
  EnvLookup env;                       ///< HOME.
  HttpTransport* transport = nullptr;  ///< SSO OIDC. Required.
  SsoClientOptions oidc;               ///< From sso_endpoint(SsoService::oidc, ...).
  /// The device flow even for an [sso-session] (the CLI's --use-device-code).
  bool use_device_code = false;
  /// Called once, when the user must act. Required.
  std::function<void(const SsoLoginPrompt&)> on_pending;
  std::function<std::chrono::system_clock::time_point()> now;  ///< default: the clock
  std::function<void(std::chrono::milliseconds)> sleep;        ///< polling waits; default: sleep_for
  /// How long the authorization code flow waits for the browser (the CLI waits 10 minutes).
  std::chrono::seconds browser_timeout{600};
  /// How long writing the token waits for a refresh another process is making.
  std::chrono::milliseconds lock_timeout{10'000};
  std::function<void(std::string_view line)> log;  ///< never a secret
};

/// A finished login.
struct SsoLoginResult {
  SsoToken token;  ///< Holds secrets.
  std::string token_path;
  std::string registration_path;
  bool registered = false;    ///< A new client was registered (else the cached one was used).
  bool browser_flow = false;  ///< The authorization code flow was used.
};

/// Logs in to `session` and writes the token (and a new client registration) to the cache.
/// Errors: "AccessDenied" (the user refused), "ExpiredToken" (the device code or the wait ran
/// out), "LoginFailed" (no code came back, or the state did not match), "TransportError", the
/// service's code (InvalidClientException, ...), "CacheError" (a cache file could not be read or
/// written; nothing half written), "ConfigError".
Expected<SsoLoginResult, CredentialError> sso_login(const SsoSessionConfig& session,
                                                    const SsoLoginOptions& options);

/// PKCE (RFC 7636) S256: base64url(SHA-256(verifier)) without padding.
std::string pkce_challenge(std::string_view code_verifier);

}  // namespace awsprof
