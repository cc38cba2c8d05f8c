// The SSO token cache (~/.aws/sso/cache) exactly as the AWS CLI v2 writes it, and its tokens
// refreshed as botocore refreshes them, so that `aws` and awsprof share one login either way round.
//
//  - <sha1 of the sso-session name, or of a legacy profile's start URL>.json holds the access token:
//    {"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
//     "registrationExpiresAt", "refreshToken"} (json.dumps order and spacing, times as
//    "%Y-%m-%dT%H:%M:%SZ", the refresh token only when the service gave one).
//  - <sha1 of json.dumps({"region", "scopes", "session_name", "startUrl", "tool": "botocore"},
//    sort_keys=True)>.json holds the client registration a login used:
//    {"clientId", "clientSecret", "expiresAt"[, "scopes"][, "grantTypes"]}.
// Files are written atomically, 0600 in a 0700 directory (FileSystem::write_file_atomic).
//
// Refresh (botocore tokens.SSOTokenProvider and DeferredRefreshableToken): a token of an
// [sso-session] with a refresh token and a live client registration is refreshed (sso-oidc
// CreateToken, grant refresh_token) within 15 minutes of its expiry (advisory: a failure keeps the
// token), or 10 (mandatory: a failure that leaves no valid token is an error); at most one attempt a
// minute per token in a process; the old refresh token is kept when none comes back. Across
// processes one refresh at a time: the refresh runs under FileSystem::update's lock of the cache
// directory, and whoever gets the lock after a refresh finds the new token and calls nothing.
// Legacy (inline sso_start_url) tokens are never refreshed, as in botocore.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/credential_chain.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/locations.hpp"
#include "awsprof/profile_model.hpp"
#include "awsprof/result.hpp"
#include "awsprof/sso_api.hpp"

namespace awsprof {

// ---------------------------------------------------------------------------------------------
// What a login is for
// ---------------------------------------------------------------------------------------------

/// An [sso-session], or the inline (legacy) settings of a profile.
struct SsoSessionConfig {
  std::optional<std::string> session_name;  ///< nullopt for the legacy form
  std::string start_url;
  std::string region;
  /// sso_registration_scopes, parsed (sso-session form only); nullopt when not set.
  std::optional<std::vector<std::string>> registration_scopes;
  /// For a legacy login, the profile it was read from (for messages); empty otherwise.
  std::string profile;

  /// "sso-session NAME", or "start URL URL".
  std::string label() const;
};

/// The login an SSO step of a credential plan uses.
SsoSessionConfig sso_session_of(const SsoStep& step);

/// botocore's parse_sso_registration_scopes: split on commas, blanks trimmed, empty ones dropped.
std::vector<std::string> parse_registration_scopes(std::string_view raw);

/// The [sso-session NAME] section: an error when it does not exist, or lacks sso_start_url or
/// sso_region (the AWS CLI's messages).
Result<SsoSessionConfig> sso_session_config(const ProfileModel& model, std::string_view name);

/// What `aws sso login` logs in to (BaseSSOCommand._get_sso_config): `sso_session` when given,
/// else the profile's sso_session, else the profile's own sso_start_url and sso_region.
Result<SsoSessionConfig> sso_login_config(const ProfileModel& model, std::string_view profile,
                                          const std::optional<std::string>& sso_session);

/// Every login the files name: each [sso-session] (in file order, incomplete ones skipped), then
/// each distinct start URL of a legacy profile (sso_start_url and sso_region, no sso_session).
std::vector<SsoSessionConfig> configured_sso_logins(const ProfileModel& model);

// ---------------------------------------------------------------------------------------------
// The cache files
// ---------------------------------------------------------------------------------------------

/// The token file's name without ".json": SHA-1 (hex) of the session name, or of the start URL.
std::string sso_token_cache_key(const SsoSessionConfig& session);
/// The registration file's name without ".json" (BaseSSOTokenFetcher._registration_cache_key).
std::string sso_registration_cache_key(const SsoSessionConfig& session);
/// sso_token_cache_directory(env) + "/" + key + ".json".
std::string sso_token_path(const EnvLookup& env, const SsoSessionConfig& session);
std::string sso_registration_path(const EnvLookup& env, const SsoSessionConfig& session);

/// A token file. Holds secrets (the access and refresh tokens, the client secret).
struct SsoToken {
  std::string start_url;
  std::string region;
  std::string access_token;
  std::string expires_at;  ///< as written
  std::chrono::system_clock::time_point expiry;
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;
  std::optional<std::string> registration_expires_at;  ///< as written
  std::optional<std::string> refresh_token;
};

/// Reads a token file's bytes as botocore's SSOTokenLoader does: a JSON object with accessToken
/// and an expiresAt botocore can parse. The error says what is wrong, never a value.
Result<SsoToken> parse_sso_token(std::string_view bytes);
/// The bytes the AWS CLI writes for `token` (json.dumps: ", " and ": ", ASCII escapes).
std::string format_sso_token(const SsoToken& token);

/// Why botocore would not refresh `token` of `session` at `now`, or nullopt when it would try:
/// a legacy login, "it has no refresh token", "it has no client registration", "its client
/// registration expired at T".
std::optional<std::string> why_not_refreshable(const SsoSessionConfig& session, const SsoToken& token,
                                               std::chrono::system_clock::time_point now);

/// A client registration file. Holds a secret.
struct SsoClientRegistration {
  std::string client_id;
  std::string client_secret;
  std::string expires_at;  ///< as written
  std::chrono::system_clock::time_point expiry;
  std::optional<std::vector<std::string>> scopes;
  std::optional<std::vector<std::string>> grant_types;  ///< written by the authorization code flow

  /// botocore _is_registration_for_auth_code: its grantTypes name "authorization_code".
  bool for_authorization_code() const;
};
Result<SsoClientRegistration> parse_sso_registration(std::string_view bytes);
std::string format_sso_registration(const SsoClientRegistration& registration);

// ---------------------------------------------------------------------------------------------
// Status and logout
// ---------------------------------------------------------------------------------------------

/// What the cache holds for one login, without its secrets (`sso status`).
struct SsoLoginState {
  enum class Token { missing, invalid, expired, valid };
  SsoSessionConfig session;
  std::string token_path;
  Token token = Token::missing;
  std::string problem;                    ///< for invalid: what is wrong with the file
  std::optional<std::string> expires_at;  ///< as written
  std::optional<std::chrono::system_clock::time_point> expiry;
  std::optional<std::string> registration_expires_at;
  bool refreshable = false;
  std::optional<std::string> why_not_refreshable;  ///< when there is a token that is not refreshable
  /// Usable now: valid, or expired but refreshable.
  bool usable() const { return token == Token::valid || (token == Token::expired && refreshable); }
};
const char* to_string(SsoLoginState::Token token);  ///< "missing", "invalid", "expired", "valid"

/// Reads the token file of `session`; an error only when it cannot be read.
Result<SsoLoginState> sso_login_state(const FileSystem& fs, const EnvLookup& env,
                                      const SsoSessionConfig& session,
                                      std::chrono::system_clock::time_point now);

/// The ~/.aws/cli/cache file names (without ".json") of the role credentials that the profiles
/// using `session` would cache (sso_role_cache_key of each profile with an account and a role).
std::vector<std::string> sso_role_cache_keys(const ProfileModel& model, const SsoSessionConfig& session);

struct SsoLogoutOptions {
  FileSystem* fs = nullptr;  ///< Required.
  EnvLookup env;
  /// The SSO portal, to end each token's session first (sso:Logout, as the CLI does, for a token
  /// file that names its region); nullptr: files are only removed.
  HttpTransport* transport = nullptr;
  SsoClientOptions portal;            ///< Its endpoint is replaced per token region (sso_endpoint()).
  std::string configured_portal_url;  ///< NetworkSettings::sso_endpoint_url
  bool use_fips = false, use_dualstack = false;
  FileAccessOptions access;  ///< How long to wait for a refresh another process is making.
};

struct SsoLogoutResult {
  std::vector<std::string> removed_tokens;       ///< token files removed
  std::vector<std::string> removed_credentials;  ///< ~/.aws/cli/cache files removed
  /// What could not be done and did not stop the logout: a failed sso:Logout, say. Never a secret.
  std::vector<std::string> notes;
};

/// `aws sso logout`: every file of the token cache with an accessToken (registrations stay), and
/// every ~/.aws/cli/cache file whose ProviderType is "sso". Fails ("CacheError") on a file that
/// cannot be removed; what was removed before is reported in the message.
Expected<SsoLogoutResult, CredentialError> sso_logout_all(const SsoLogoutOptions& options);

/// One login: its token file, and the role credentials named by `role_cache_keys`.
Expected<SsoLogoutResult, CredentialError> sso_logout(const SsoSessionConfig& session,
                                                      const std::vector<std::string>& role_cache_keys,
                                                      const SsoLogoutOptions& options);

// ---------------------------------------------------------------------------------------------
// Refresh
// ---------------------------------------------------------------------------------------------

inline constexpr std::chrono::seconds kSsoAdvisoryRefreshWindow{15 * 60};
inline constexpr std::chrono::seconds kSsoMandatoryRefreshWindow{10 * 60};
inline constexpr std::chrono::seconds kSsoRefreshAttemptInterval{60};

/// What sso_access_token() may use.
struct SsoTokenContext {
  FileSystem* fs = nullptr;                                    ///< Required.
  EnvLookup env;                                               ///< HOME, for the cache directory.
  std::function<std::chrono::system_clock::time_point()> now;  ///< default: the clock
  /// SSO OIDC, for CreateToken; nullptr: a token is never refreshed.
  HttpTransport* transport = nullptr;
  /// The OIDC client's settings (endpoint from sso_endpoint(SsoService::oidc, session region...)).
  SsoClientOptions oidc;
  /// How long a mandatory refresh waits for another process's refresh (the cache directory's lock).
  std::chrono::milliseconds lock_timeout{10'000};
  std::function<void(std::string_view line)> log;  ///< never a secret
  /// Where the message tells the user to log in ("aws sso login --profile dev"); "" names the session.
  std::string login_command;
};

/// A usable access token. Holds a secret.
struct SsoAccessToken {
  std::string access_token;
  std::chrono::system_clock::time_point expiry;
  std::string path;        ///< the token file
  bool refreshed = false;  ///< this call refreshed it
};

/// The access tokens of one process: refreshes each as botocore does (see the top of this file).
/// Shared by the profiles of a run, so a token is refreshed once however many profiles use it, and
/// a failed refresh is not tried again within a minute. Thread-safe.
class SsoTokenProvider {
 public:
  SsoTokenProvider() = default;
  SsoTokenProvider(const SsoTokenProvider&) = delete;
  SsoTokenProvider& operator=(const SsoTokenProvider&) = delete;

  /// The token of `session`, refreshed first when due. Errors: "SsoLoginRequired" (no token, or
  /// it expired and cannot be refreshed), "CacheError" (a refreshed token that could not be
  /// saved), "TransportError" (a mandatory refresh that got no answer), "Timeout".
  Expected<SsoAccessToken, CredentialError> access_token(const SsoSessionConfig& session,
                                                         const SsoTokenContext& context);

 private:
  struct Attempts {
    std::mutex refreshing;
    std::optional<std::chrono::system_clock::time_point> last;
    std::string last_failure;
  };
  Attempts& attempts_for(const std::string& path);

  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Attempts>> attempts_;
};

}  // namespace awsprof
