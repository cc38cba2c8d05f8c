// `sso login`'s two flows (botocore SSOTokenFetcher and SSOTokenFetcherAuth, AWS CLI v2).
#include "awsprof/sso_login.hpp"

#include <openssl/sha.h>

#include <array>
#include <thread>

#include "awsprof/credential_cache.hpp"
#include "awsprof/credential_process.hpp"
#include "oauth_random.hpp"
#include "sso_loopback.hpp"

namespace awsprof {
namespace {

using SysClock = std::chrono::system_clock;
using Error = CredentialError;

constexpr std::string_view kRedirectPath = "/oauth/callback";
constexpr std::string_view kDefaultScope = "sso:account:access";  // _AUTH_GRANT_DEFAULT_SCOPE
constexpr int kDefaultInterval = 5;                               // RFC 8628 3.5
constexpr int kSlowDownDelay = 5;
constexpr std::chrono::seconds kRegistrationWindow{15 * 60};  // BaseSSOTokenFetcher._EXPIRY_WINDOW

Error service_error(const SsoApiError& error) {
  if (error.kind == SsoErrorKind::transport)
    return {error.out_of_time ? "Timeout" : "TransportError", error.to_string(),
            "check the network, sso_region and the SSO OIDC endpoint (AWS_ENDPOINT_URL_SSO_OIDC)"};
  if (error.kind == SsoErrorKind::bad_response) return {"BadResponse", error.to_string(), ""};
  if (error.code == "AccessDeniedException" || error.oauth_error == "access_denied")
    return {"AccessDenied", "the login was denied: " + error.to_string(),
            "run the login again and approve it"};
  if (error.code == "ExpiredTokenException" || error.oauth_error == "expired_token")
    return {"ExpiredToken", "the login expired before it was approved: " + error.to_string(),
            "run the login again, and approve it sooner"};
  return {error.code.empty() ? "HTTP" + std::to_string(error.http_status) : error.code, error.to_string(),
          ""};
}

class Login {
 public:
  Login(const SsoSessionConfig& session, const SsoLoginOptions& options)
      : session_(session), options_(options), oidc_(*options.transport, options.oidc) {}

  Expected<SsoLoginResult, Error> run();

 private:
  SysClock::time_point now() const { return options_.now ? options_.now() : SysClock::now(); }
  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }
  void sleep(std::chrono::milliseconds wait) const {
    if (options_.sleep)
      options_.sleep(wait);
    else
      std::this_thread::sleep_for(wait);
  }
  /// The cached registration for this flow, or a new one (written to the cache).
  Expected<SsoClientRegistration, Error> registration(bool force_new);
  Expected<CreatedToken, Error> device_flow(const SsoClientRegistration& registration);
  Expected<CreatedToken, Error> browser_flow(const SsoClientRegistration& registration);
  Expected<SsoToken, Error> save(const CreatedToken& created, const SsoClientRegistration& registration,
                                 SysClock::time_point issued);

  const SsoSessionConfig& session_;
  const SsoLoginOptions& options_;
  SsoOidcClient oidc_;
  bool browser_ = false;
  bool registered_ = false;
  /// The redirect listener and PKCE pair, for the authorization code flow.
  std::optional<detail::LoopbackListener> listener_;
};

Expected<SsoClientRegistration, Error> Login::registration(bool force_new) {
  const std::string path = sso_registration_path(options_.env, session_);
  if (!force_new) {
    Result<FileContent> file = options_.fs->read_file(path);
    if (!file) return Error{"CacheError", file.message(), ""};
    if (file->exists) {
      Result<SsoClientRegistration> cached = parse_sso_registration(file->bytes);
      if (cached && cached->expiry - now() >= kRegistrationWindow &&
          cached->for_authorization_code() == browser_) {
        log("using the client registration in " + path);
        return std::move(*cached);
      }
    }
  }
  RegisterClientRequest request;
  // botocore-client-<session name>, or -<unix time> for a legacy login.
  request.client_name =
      "botocore-client-" +
      (session_.session_name
           ? *session_.session_name
           : std::to_string(
                 std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count()));
  std::optional<std::vector<std::string>> scopes;
  if (browser_) {
    scopes = session_.registration_scopes && !session_.registration_scopes->empty()
                 ? *session_.registration_scopes
                 : std::vector<std::string>{std::string(kDefaultScope)};
    request.grant_types = {"authorization_code", "refresh_token"};
    request.redirect_uris = {"http://127.0.0.1" + std::string(kRedirectPath)};
    request.issuer_url = session_.start_url;
  } else if (session_.registration_scopes && !session_.registration_scopes->empty()) {
    scopes = *session_.registration_scopes;
  }
  if (scopes) request.scopes = *scopes;
  log("registering a client (sso-oidc:RegisterClient)");
  SsoResult<RegisteredClient> registered = oidc_.register_client(request);
  if (!registered) return service_error(registered.error());
  SsoClientRegistration out;
  out.client_id = registered->client_id;
  out.client_secret = registered->client_secret;
  out.expiry = SysClock::time_point(std::chrono::seconds(registered->client_secret_expires_at));
  out.expires_at = format_expiration_time(out.expiry);
  out.scopes = scopes;
  if (browser_) out.grant_types = request.grant_types;
  if (Status written = options_.fs->write_file_atomic(path, format_sso_registration(out)); !written)
    return Error{"CacheError", "cannot save the client registration: " + written.message(),
                 "check the permissions of " + sso_token_cache_directory(options_.env)};
  registered_ = true;
  return out;
}

Expected<CreatedToken, Error> Login::device_flow(const SsoClientRegistration& registration) {
  SsoResult<DeviceAuthorization> authorization = oidc_.start_device_authorization(
      registration.client_id, registration.client_secret, session_.start_url);
  if (!authorization) return service_error(authorization.error());
  const auto expires =
      std::chrono::steady_clock::now() + std::chrono::seconds(std::max(authorization->expires_in, 1));
  int interval = authorization->interval.value_or(kDefaultInterval);
  CreateTokenRequest request;
  request.client_id = registration.client_id;
  request.client_secret = registration.client_secret;
  request.grant_type = std::string(kDeviceCodeGrant);
  request.device_code = authorization->device_code;
  // One attempt before the prompt: the client may be authorized already (as in botocore).
  for (bool prompted = false;; prompted = true) {
    SsoResult<CreatedToken> token = oidc_.create_token(request);
    if (token) return std::move(*token);
    const SsoApiError& error = token.error();
    if (error.code == "SlowDownException" || error.oauth_error == "slow_down") {
      interval += kSlowDownDelay;
    } else if (error.code != "AuthorizationPendingException" &&
               error.oauth_error != "authorization_pending") {
      return service_error(error);
    }
    if (!prompted) {
      options_.on_pending(SsoLoginPrompt{false, authorization->verification_uri,
                                         authorization->verification_uri_complete, authorization->user_code});
    }
    if (std::chrono::steady_clock::now() + std::chrono::seconds(interval) > expires)
      return Error{"ExpiredToken", "the device code expired before the login was approved",
                   "run the login again, and approve it sooner"};
    sleep(std::chrono::seconds(interval));
  }
}

Expected<CreatedToken, Error> Login::browser_flow(const SsoClientRegistration& registration) {
  // 64 characters, as the CLI makes it.
  std::optional<std::string> verifier =
      detail::random_text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", 64);
  std::optional<std::string> state = detail::random_uuid();
  if (!verifier || !state) return Error{"LoginFailed", "the system's random number generator failed", ""};
  const std::string redirect_uri =
      "http://127.0.0.1:" + std::to_string(listener_->port()) + std::string(kRedirectPath);
  const std::string scopes = [&] {
    if (!session_.registration_scopes || session_.registration_scopes->empty())
      return std::string(kDefaultScope);
    std::string joined;
    for (const std::string& scope : *session_.registration_scopes)
      joined += (joined.empty() ? "" : " ") + scope;
    return joined;
  }();
  const std::string url = oidc_.base_url() + "/authorize?" +
                          form_encode({{"response_type", "code"},
                                       {"client_id", registration.client_id},
                                       {"redirect_uri", redirect_uri},
                                       {"state", *state},
                                       {"code_challenge_method", "S256"},
                                       {"scopes", scopes}}) +
                          "&code_challenge=" + pkce_challenge(*verifier);
  options_.on_pending(SsoLoginPrompt{true, url, url, ""});
  auto callback = listener_->wait(std::string(kRedirectPath),
                                  std::chrono::steady_clock::now() + options_.browser_timeout);
  if (!callback) return Error{"ExpiredToken", callback.message(), "run the login again"};
  if (auto error = callback->find("error"); error != callback->end()) {
    auto description = callback->find("error_description");
    const std::string detail = description != callback->end() ? ": " + description->second : "";
    if (error->second == "access_denied")
      return Error{"AccessDenied", "the authorization was denied (access_denied" + detail + ")",
                   "run the login again and approve it"};
    return Error{"LoginFailed", "the authorization failed: " + error->second + detail, "run the login again"};
  }
  auto code = callback->find("code");
  auto returned_state = callback->find("state");
  if (code == callback->end() || code->second.empty())
    return Error{"LoginFailed", "the redirect brought no authorization code", "run the login again"};
  if (returned_state == callback->end() || returned_state->second != *state)
    return Error{"LoginFailed", "the redirect's state parameter does not match the request's",
                 "run the login again; if it happens again, something else is answering the redirect"};
  CreateTokenRequest request;
  request.client_id = registration.client_id;
  request.client_secret = registration.client_secret;
  request.grant_type = "authorization_code";
  request.redirect_uri = redirect_uri;
  request.code_verifier = *verifier;
  request.code = code->second;
  SsoResult<CreatedToken> token = oidc_.create_token(request);
  if (!token) return service_error(token.error());
  return std::move(*token);
}

Expected<SsoToken, Error> Login::save(const CreatedToken& created, const SsoClientRegistration& registration,
                                      SysClock::time_point issued) {
  SsoToken token;
  token.start_url = session_.start_url;
  token.region = session_.region;
  token.access_token = created.access_token;
  token.expiry =
      std::chrono::time_point_cast<std::chrono::seconds>(issued) + std::chrono::seconds(created.expires_in);
  token.expires_at = format_expiration_time(token.expiry);
  token.client_id = registration.client_id;
  token.client_secret = registration.client_secret;
  token.registration_expires_at = registration.expires_at;
  token.refresh_token = created.refresh_token;
  const std::string path = sso_token_path(options_.env, session_);
  FileAccessOptions access;
  access.lock_timeout = options_.lock_timeout;
  const std::string bytes = format_sso_token(token);
  Status written = options_.fs->update(
      {path},
      [&bytes](const std::vector<FileContent>&) -> Result<std::vector<std::string>> {
        return std::vector<std::string>{bytes};
      },
      access);
  if (!written)
    return Error{"CacheError", "the login succeeded but its token could not be saved: " + written.message(),
                 "make " + sso_token_cache_directory(options_.env) + " writable, then log in again"};
  return token;
}

Expected<SsoLoginResult, Error> Login::run() {
  browser_ = session_.session_name.has_value() && !options_.use_device_code;
  if (browser_) {
    Result<detail::LoopbackListener> listener = detail::LoopbackListener::open();
    if (!listener)
      return Error{"LoginFailed", listener.message(), "log in with the device code flow instead"};
    listener_.emplace(std::move(*listener));
  }
  auto client = registration(false);
  if (!client) return client.error();
  auto created = browser_ ? browser_flow(*client) : device_flow(*client);
  if (!created && created.error().code == "InvalidClientException" && !registered_) {
    // The service no longer knows the cached client (deleted, or its secret expired early).
    log("the cached client registration was refused; registering a new one");
    client = registration(true);
    if (!client) return client.error();
    created = browser_ ? browser_flow(*client) : device_flow(*client);
  }
  if (!created) return created.error();
  auto token = save(*created, *client, now());
  if (!token) return token.error();
  return SsoLoginResult{std::move(*token), sso_token_path(options_.env, session_),
                        sso_registration_path(options_.env, session_), registered_, browser_};
}

}  // namespace

std::string pkce_challenge(std::string_view code_verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(code_verifier.data()), code_verifier.size(), digest);
  return detail::base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Expected<SsoLoginResult, CredentialError> sso_login(const SsoSessionConfig& session,
                                                    const SsoLoginOptions& options) {
  if (options.fs == nullptr || options.transport == nullptr || !options.on_pending)
    return CredentialError{"ConfigError", "sso_login needs a file system, a transport and on_pending", ""};
  return Login(session, options).run();
}

}  // namespace awsprof
