// The SSO token cache as the AWS CLI v2 writes it (awscli/customizations/sso/utils.py,
// botocore utils.SSOTokenFetcher, SSOTokenLoader, JSONFileCache) and botocore's refresh
// (tokens.SSOTokenProvider, DeferredRefreshableToken).
#include "awsprof/credentials/sso_token.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/credentials/credential_process.hpp"
#include "credential_error.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

using Json = nlohmann::json;
using SysClock = std::chrono::system_clock;

std::string setting_text(const Section* section, std::string_view key) {
  const Setting* setting = section != nullptr ? section->find(key) : nullptr;
  return setting != nullptr ? std::string(setting->value) : std::string();
}

bool has(const Section* section, std::string_view key) {
  return section != nullptr && section->find(key) != nullptr;
}

/// json.dumps of a list of strings: ["a", "b"].
std::string python_json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + python_json_string(items[i]);
  return out + "]";
}

/// json.dumps of a flat object whose values are already JSON text, in the given order.
std::string python_json_object(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i)
    out += (i > 0 ? ", " : "") + python_json_string(members[i].first) + ": " + members[i].second;
  return out + "}";
}

std::optional<std::string> string_member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::vector<std::string>> string_list_member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const Json& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

enum class RefreshDue { no, advisory, mandatory };

RefreshDue refresh_due(SysClock::time_point expiry, SysClock::time_point now) {
  const auto remaining = expiry - now;
  if (remaining < kSsoMandatoryRefreshWindow) return RefreshDue::mandatory;
  if (remaining < kSsoAdvisoryRefreshWindow) return RefreshDue::advisory;
  return RefreshDue::no;
}

using detail::in_quotes;
using detail::make_error;

}  // namespace

// --- What a login is for -------------------------------------------------------------------------

std::string SsoSessionConfig::label() const {
  return session_name ? "sso-session " + *session_name : "start URL " + start_url;
}

SsoSessionConfig sso_session_of(const SsoStep& step) {
  SsoSessionConfig out;
  out.session_name = step.sso_session;
  out.start_url = step.sso_start_url;
  out.region = step.sso_region;
  out.profile = step.profile;
  return out;
}

std::vector<std::string> parse_registration_scopes(std::string_view raw) {
  std::vector<std::string> out;
  for (std::string_view scope : detail::split(raw, ',')) {
    // Python's str.strip(): every whitespace character.
    while (!scope.empty() && std::isspace(static_cast<unsigned char>(scope.front()))) scope.remove_prefix(1);
    while (!scope.empty() && std::isspace(static_cast<unsigned char>(scope.back()))) scope.remove_suffix(1);
    if (!scope.empty()) out.emplace_back(scope);
  }
  return out;
}

Result<SsoSessionConfig> sso_session_config(const ProfileModel& model, std::string_view name) {
  using R = Result<SsoSessionConfig>;
  const Section* section = model.find_sso_session(name);
  if (section == nullptr) return R::error("The specified sso-session does not exist: " + in_quotes(name));
  std::vector<std::string> missing;
  for (const char* key : {"sso_start_url", "sso_region"})
    if (!has(section, key)) missing.emplace_back(key);
  if (!missing.empty())
    return R::error("Missing the following required SSO configuration values: " +
                    (missing.size() == 2 ? missing[0] + ", " + missing[1] : missing[0]) +
                    " (in [sso-session " + std::string(name) + "])");
  SsoSessionConfig out;
  out.session_name = std::string(name);
  out.start_url = setting_text(section, "sso_start_url");
  out.region = setting_text(section, "sso_region");
  if (has(section, "sso_registration_scopes"))
    out.registration_scopes = parse_registration_scopes(setting_text(section, "sso_registration_scopes"));
  return out;
}

Result<SsoSessionConfig> sso_login_config(const ProfileModel& model, std::string_view profile,
                                          const std::optional<std::string>& sso_session) {
  using R = Result<SsoSessionConfig>;
  const Section* section = model.find_profile(profile);
  std::optional<std::string> session = sso_session;
  if (!session && has(section, "sso_session")) session = setting_text(section, "sso_session");
  if (session) return sso_session_config(model, *session);
  std::vector<std::string> missing;
  for (const char* key : {"sso_start_url", "sso_region"})
    if (!has(section, key)) missing.emplace_back(key);
  if (!missing.empty())
    return R::error("Missing the following required SSO configuration values: " +
                    (missing.size() == 2 ? missing[0] + ", " + missing[1] : missing[0]) +
                    ". To make sure profile " + in_quotes(profile) +
                    " is properly configured to use SSO, give it an sso_session (or run: aws configure sso)");
  SsoSessionConfig out;
  out.start_url = setting_text(section, "sso_start_url");
  out.region = setting_text(section, "sso_region");
  out.profile = std::string(profile);
  return out;
}

std::vector<SsoSessionConfig> configured_sso_logins(const ProfileModel& model) {
  std::vector<SsoSessionConfig> out;
  for (const Section& session : model.sso_sessions)
    if (auto config = sso_session_config(model, session.name)) out.push_back(std::move(*config));
  for (const Section& profile : model.profiles) {
    if (has(&profile, "sso_session") || !has(&profile, "sso_start_url") || !has(&profile, "sso_region"))
      continue;
    const std::string url = setting_text(&profile, "sso_start_url");
    if (std::any_of(out.begin(), out.end(),
                    [&](const SsoSessionConfig& c) { return !c.session_name && c.start_url == url; }))
      continue;
    if (auto config = sso_login_config(model, profile.name, std::nullopt)) out.push_back(std::move(*config));
  }
  return out;
}

// --- The cache files -----------------------------------------------------------------------------

std::string sso_token_cache_key(const SsoSessionConfig& session) {
  return hex_sha1(session.session_name ? *session.session_name : session.start_url);
}

std::string sso_registration_cache_key(const SsoSessionConfig& session) {
  // json.dumps({'tool', 'startUrl', 'region', 'scopes', 'session_name'}, sort_keys=True)
  const std::string scopes =
      session.registration_scopes ? python_json_list(*session.registration_scopes) : "null";
  const std::string name = session.session_name ? python_json_string(*session.session_name) : "null";
  return hex_sha1(python_json_object({{"region", python_json_string(session.region)},
                                      {"scopes", scopes},
                                      {"session_name", name},
                                      {"startUrl", python_json_string(session.start_url)},
                                      {"tool", python_json_string("botocore")}}));
}

std::string sso_token_path(const EnvLookup& env, const SsoSessionConfig& session) {
  return sso_token_cache_directory(env) + "/" + sso_token_cache_key(session) + ".json";
}

std::string sso_registration_path(const EnvLookup& env, const SsoSessionConfig& session) {
  return sso_token_cache_directory(env) + "/" + sso_registration_cache_key(session) + ".json";
}

namespace {

/// A cache file's bytes as a JSON object (nullopt when they are not one).
std::optional<Json> parse_cache_object(std::string_view bytes) {
  Json json = Json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

/// The time a cache file's expiresAt names, or why it names none.
Result<std::chrono::system_clock::time_point> expiry_of(const std::string& expires_at) {
  auto expiry = parse_expiration_time(expires_at);
  if (!expiry)
    return Result<std::chrono::system_clock::time_point>::error("has an expiresAt that is not a time: " +
                                                                 in_quotes(expires_at));
  return *expiry;
}

}  // namespace

Result<SsoToken> parse_sso_token(std::string_view bytes) {
  using R = Result<SsoToken>;
  std::optional<Json> json = parse_cache_object(bytes);
  if (!json) return R::error("is not a JSON object");
  SsoToken token;
  auto access = string_member(*json, "accessToken");
  auto expires = string_member(*json, "expiresAt");
  if (!access) return R::error("has no accessToken");
  if (!expires) return R::error("has no expiresAt");
  auto expiry = expiry_of(*expires);
  if (!expiry) return R::error(expiry.message());
  token.access_token = std::move(*access);
  token.expires_at = std::move(*expires);
  token.expiry = *expiry;
  token.start_url = string_member(*json, "startUrl").value_or("");
  token.region = string_member(*json, "region").value_or("");
  token.client_id = string_member(*json, "clientId");
  token.client_secret = string_member(*json, "clientSecret");
  token.registration_expires_at = string_member(*json, "registrationExpiresAt");
  token.refresh_token = string_member(*json, "refreshToken");
  return token;
}

std::string format_sso_token(const SsoToken& token) {
  std::vector<std::pair<std::string, std::string>> members = {
      {"startUrl", python_json_string(token.start_url)},
      {"region", python_json_string(token.region)},
      {"accessToken", python_json_string(token.access_token)},
      {"expiresAt", python_json_string(token.expires_at)}};
  for (const auto& [key, value] :
       {std::pair{"clientId", &token.client_id}, std::pair{"clientSecret", &token.client_secret},
        std::pair{"registrationExpiresAt", &token.registration_expires_at},
        std::pair{"refreshToken", &token.refresh_token}})
    if (*value) members.emplace_back(key, python_json_string(**value));
  return python_json_object(members);
}

std::optional<std::string> why_not_refreshable(const SsoSessionConfig& session, const SsoToken& token,
                                               SysClock::time_point now) {
  if (!session.session_name)
    return "a legacy (inline sso_start_url) login is never refreshed; use an [sso-session]";
  if (!token.refresh_token) return "it has no refresh token";
  if (!token.client_id || !token.client_secret || !token.registration_expires_at)
    return "it has no client registration";
  auto registration = parse_expiration_time(*token.registration_expires_at);
  if (!registration) return "its registrationExpiresAt is not a time";
  if (*registration <= now) return "its client registration expired at " + *token.registration_expires_at;
  return std::nullopt;
}

bool SsoClientRegistration::for_authorization_code() const {
  return grant_types &&
         std::find(grant_types->begin(), grant_types->end(), "authorization_code") != grant_types->end();
}

Result<SsoClientRegistration> parse_sso_registration(std::string_view bytes) {
  using R = Result<SsoClientRegistration>;
  std::optional<Json> json = parse_cache_object(bytes);
  if (!json) return R::error("is not a JSON object");
  SsoClientRegistration out;
  auto id = string_member(*json, "clientId");
  auto secret = string_member(*json, "clientSecret");
  auto expires = string_member(*json, "expiresAt");
  if (!id || !secret || !expires) return R::error("lacks clientId, clientSecret or expiresAt");
  auto expiry = expiry_of(*expires);
  if (!expiry) return R::error(expiry.message());
  out.client_id = std::move(*id);
  out.client_secret = std::move(*secret);
  out.expires_at = std::move(*expires);
  out.expiry = *expiry;
  out.scopes = string_list_member(*json, "scopes");
  out.grant_types = string_list_member(*json, "grantTypes");
  return out;
}

std::string format_sso_registration(const SsoClientRegistration& registration) {
  std::vector<std::pair<std::string, std::string>> members = {
      {"clientId", python_json_string(registration.client_id)},
      {"clientSecret", python_json_string(registration.client_secret)},
      {"expiresAt", python_json_string(registration.expires_at)}};
  if (registration.scopes) members.emplace_back("scopes", python_json_list(*registration.scopes));
  if (registration.grant_types)
    members.emplace_back("grantTypes", python_json_list(*registration.grant_types));
  return python_json_object(members);
}

// --- Status and logout ---------------------------------------------------------------------------

const char* to_string(SsoLoginState::Token token) {
  switch (token) {
    case SsoLoginState::Token::missing:
      return "missing";
    case SsoLoginState::Token::invalid:
      return "invalid";
    case SsoLoginState::Token::expired:
      return "expired";
    case SsoLoginState::Token::valid:
      return "valid";
  }
  return "missing";
}

Result<SsoLoginState> sso_login_state(const FileSystem& fs, const EnvLookup& env,
                                      const SsoSessionConfig& session, SysClock::time_point now) {
  SsoLoginState state;
  state.session = session;
  state.token_path = sso_token_path(env, session);
  Result<FileContent> file = fs.read_file(state.token_path);
  if (!file) return Result<SsoLoginState>::error(file.message());
  if (!file->exists) return state;
  Result<SsoToken> token = parse_sso_token(file->bytes);
  if (!token) {
    state.token = SsoLoginState::Token::invalid;
    state.problem = token.message();
    return state;
  }
  state.token = token->expiry <= now ? SsoLoginState::Token::expired : SsoLoginState::Token::valid;
  state.expires_at = token->expires_at;
  state.expiry = token->expiry;
  state.registration_expires_at = token->registration_expires_at;
  state.why_not_refreshable = why_not_refreshable(session, *token, now);
  state.refreshable = !state.why_not_refreshable;
  return state;
}

std::vector<std::string> sso_role_cache_keys(const ProfileModel& model, const SsoSessionConfig& session) {
  std::vector<std::string> keys;
  for (const Section& profile : model.profiles) {
    if (!has(&profile, "sso_account_id") || !has(&profile, "sso_role_name")) continue;
    SsoStep step;
    if (has(&profile, "sso_session")) {
      if (!session.session_name || setting_text(&profile, "sso_session") != *session.session_name) continue;
      step.sso_session = *session.session_name;
    } else if (session.session_name || setting_text(&profile, "sso_start_url") != session.start_url) {
      continue;
    }
    step.sso_start_url = session.start_url;
    step.sso_account_id = setting_text(&profile, "sso_account_id");
    step.sso_role_name = setting_text(&profile, "sso_role_name");
    std::string key = sso_role_cache_key(step);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  return keys;
}

namespace {

/// Removes a token file under the cache directory's lock (so that no refresh is writing it), after
/// ending its portal session when it names its region.
Status remove_token_file(const std::string& path, const SsoLogoutOptions& options, SsoLogoutResult& result) {
  Result<FileContent> exists = options.fs->read_file(path);
  if (!exists) return exists.status();
  if (!exists->exists) return Status();
  bool removed = false;
  Status locked = options.fs->update(
      {path},
      [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
        if (!current[0].exists) return std::vector<std::string>{std::string()};
        Json json = Json::parse(current[0].bytes, nullptr, /*allow_exceptions=*/false);
        auto access = json.is_object() ? string_member(json, "accessToken") : std::nullopt;
        if (!access) return std::vector<std::string>{current[0].bytes};  // not a token: left alone
        auto region = string_member(json, "region");
        if (options.transport != nullptr && region && !region->empty()) {
          Result<Url> endpoint = sso_endpoint(SsoService::portal, *region, options.configured_portal_url,
                                              options.use_fips, options.use_dualstack);
          if (!endpoint) {
            result.notes.push_back("sso:Logout was not called for " + path + ": " + endpoint.message());
          } else {
            SsoClientOptions portal = options.portal;
            portal.endpoint = *endpoint;
            SsoResult<bool> ended = SsoPortalClient(*options.transport, portal).logout(*access);
            if (!ended)
              result.notes.push_back("the session of " + path +
                                     " was not ended: " + ended.error().to_string());
          }
        }
        if (Status gone = options.fs->remove_file(path); !gone)
          return Result<std::vector<std::string>>::error(gone.message());
        removed = true;
        return std::vector<std::string>{current[0].bytes};  // unchanged: update() writes nothing
      },
      options.access);
  if (removed) result.removed_tokens.push_back(path);
  return locked;
}

Status remove_role_credentials(const std::string& path, SsoLogoutResult& result, FileSystem& fs) {
  Result<FileContent> file = fs.read_file(path);
  if (!file) return file.status();
  if (!file->exists) return Status();
  if (Status gone = fs.remove_file(path); !gone) return gone;
  result.removed_credentials.push_back(path);
  return Status();
}

CredentialError logout_error(const Status& status, const SsoLogoutResult& done) {
  return make_error(
      "CacheError",
      status.message() +
          (done.removed_tokens.empty() && done.removed_credentials.empty()
               ? ""
               : " (" + std::to_string(done.removed_tokens.size() + done.removed_credentials.size()) +
                     " files were removed before)"),
      "check the permissions of ~/.aws/sso/cache and ~/.aws/cli/cache");
}

}  // namespace

Expected<SsoLogoutResult, CredentialError> sso_logout_all(const SsoLogoutOptions& options) {
  SsoLogoutResult result;
  if (options.fs == nullptr) return make_error("ConfigError", "logging out needs a file system");
  const std::string tokens = sso_token_cache_directory(options.env);
  Result<std::vector<std::string>> names = options.fs->list_directory(tokens);
  if (!names) return logout_error(names.status(), result);
  for (const std::string& name : *names) {
    if (name.size() <= 5 || name.substr(name.size() - 5) != ".json") continue;
    if (Status s = remove_token_file(tokens + "/" + name, options, result); !s)
      return logout_error(s, result);
  }
  const std::string credentials = cli_cache_directory(options.env);
  names = options.fs->list_directory(credentials);
  if (!names) return logout_error(names.status(), result);
  for (const std::string& name : *names) {
    const std::string path = credentials + "/" + name;
    Result<FileContent> file = options.fs->read_file(path);
    if (!file) return logout_error(file.status(), result);
    Json json = Json::parse(file->bytes, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || string_member(json, "ProviderType") != std::optional<std::string>("sso"))
      continue;
    if (Status s = remove_role_credentials(path, result, *options.fs); !s) return logout_error(s, result);
  }
  return result;
}

Expected<SsoLogoutResult, CredentialError> sso_logout(const SsoSessionConfig& session,
                                                      const std::vector<std::string>& role_cache_keys,
                                                      const SsoLogoutOptions& options) {
  SsoLogoutResult result;
  if (options.fs == nullptr) return make_error("ConfigError", "logging out needs a file system");
  if (Status s = remove_token_file(sso_token_path(options.env, session), options, result); !s)
    return logout_error(s, result);
  for (const std::string& key : role_cache_keys)
    if (Status s = remove_role_credentials(cli_cache_directory(options.env) + "/" + key + ".json", result,
                                           *options.fs);
        !s)
      return logout_error(s, result);
  return result;
}

// --- Refresh -------------------------------------------------------------------------------------

SsoTokenProvider::Attempts& SsoTokenProvider::attempts_for(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = attempts_[path];
  if (!slot) slot = std::make_unique<Attempts>();
  return *slot;
}

Expected<SsoAccessToken, CredentialError> SsoTokenProvider::access_token(const SsoSessionConfig& session,
                                                                         const SsoTokenContext& context) {
  auto now = [&context] { return context.now ? context.now() : SysClock::now(); };
  auto log = [&context](const std::string& line) {
    if (context.log) context.log(line);
  };
  const std::string path = sso_token_path(context.env, session);
  const std::string login =
      "run `" +
      (context.login_command.empty()
           ? "awsprof sso login " + (session.session_name ? "--sso-session " + *session.session_name
                                                          : "--profile " + session.profile)
           : context.login_command) +
      "`";
  if (context.fs == nullptr) return make_error("ConfigError", "reading the SSO token needs a file system");

  auto load = [&]() -> Expected<SsoToken, CredentialError> {
    Result<FileContent> file = context.fs->read_file(path);
    if (!file)
      return make_error("CacheError",
                        "cannot read the SSO token for " + session.label() + ": " + file.message(),
                        "check the permissions of " + sso_token_cache_directory(context.env));
    if (!file->exists)
      return make_error("SsoLoginRequired",
                        "there is no SSO token for " + session.label() + " (" + path + ")", login);
    Result<SsoToken> token = parse_sso_token(file->bytes);
    if (!token)
      return make_error("SsoLoginRequired",
                        "the SSO token for " + session.label() + " in " + path + " " + token.message(),
                        login);
    return std::move(*token);
  };
  auto usable = [&path](const SsoToken& token, bool refreshed = false) {
    return SsoAccessToken{token.access_token, token.expiry, path, refreshed};
  };
  auto expired_error = [&](const SsoToken& token, const std::string& why,
                           std::string code = "SsoLoginRequired", std::string hint = {}) {
    return make_error(std::move(code),
                      "the SSO token for " + session.label() + " expired at " + token.expires_at +
                          (why.empty() ? "" : " and could not be refreshed: " + why),
                      hint.empty() ? login : std::move(hint));
  };

  auto loaded = load();
  if (!loaded) return loaded.error();
  RefreshDue due = refresh_due(loaded->expiry, now());
  if (due == RefreshDue::no) return usable(*loaded);
  const bool expired = loaded->expiry <= now();
  if (auto why = why_not_refreshable(session, *loaded, now()); why || context.transport == nullptr) {
    if (expired) return expired_error(*loaded, why.value_or(""));
    return usable(*loaded);
  }

  // One refresh of this token at a time in this process; an advisory refresh does not wait.
  Attempts& attempts = attempts_for(path);
  std::unique_lock<std::mutex> refreshing(attempts.refreshing, std::defer_lock);
  if (due == RefreshDue::advisory) {
    if (!refreshing.try_lock()) return usable(*loaded);
  } else {
    refreshing.lock();
  }
  loaded = load();  // another thread may have refreshed it meanwhile
  if (!loaded) return loaded.error();
  due = refresh_due(loaded->expiry, now());
  if (due == RefreshDue::no) return usable(*loaded);
  if (attempts.last && now() - *attempts.last < kSsoRefreshAttemptInterval) {
    if (loaded->expiry <= now())
      return expired_error(*loaded, "an attempt less than a minute ago failed: " + attempts.last_failure);
    return usable(*loaded);
  }

  // Across processes: under the lock of the cache directory, read the token again, and refresh it
  // only if nobody did meanwhile.
  enum class Outcome { none, fresh, refreshed, not_refreshable, refused, no_answer };
  Outcome outcome = Outcome::none;
  SsoToken fresh;
  std::string failure;
  std::optional<SsoApiError> api_error;
  FileAccessOptions access;
  access.lock_timeout = due == RefreshDue::advisory ? std::chrono::milliseconds(0) : context.lock_timeout;
  Status updated = context.fs->update(
      {path},
      [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
        using U = Result<std::vector<std::string>>;
        if (!current[0].exists) return U::error("the SSO token file " + path + " disappeared");
        Result<SsoToken> on_disk = parse_sso_token(current[0].bytes);
        if (!on_disk) return U::error("the SSO token in " + path + " " + on_disk.message());
        if (refresh_due(on_disk->expiry, now()) == RefreshDue::no) {
          outcome = Outcome::fresh;
          fresh = std::move(*on_disk);
          return std::vector<std::string>{current[0].bytes};
        }
        if (auto why = why_not_refreshable(session, *on_disk, now())) {
          outcome = Outcome::not_refreshable;
          fresh = std::move(*on_disk);
          failure = *why;
          return U::error(*why);
        }
        attempts.last = now();
        log("refreshing the SSO token for " + session.label() +
            " (sso-oidc:CreateToken, grant refresh_token)");
        SsoOidcClient client(*context.transport, context.oidc);
        CreateTokenRequest request;
        request.client_id = *on_disk->client_id;
        request.client_secret = *on_disk->client_secret;
        request.grant_type = "refresh_token";
        request.refresh_token = *on_disk->refresh_token;
        SsoResult<CreatedToken> created = client.create_token(request);
        if (!created) {
          api_error = created.error();
          outcome = created.error().kind == SsoErrorKind::transport ? Outcome::no_answer : Outcome::refused;
          failure = created.error().to_string();
          return U::error(failure);
        }
        fresh.start_url = session.start_url;
        fresh.region = session.region;
        fresh.access_token = created->access_token;
        fresh.expiry = std::chrono::time_point_cast<std::chrono::seconds>(now()) +
                       std::chrono::seconds(created->expires_in);
        fresh.expires_at = format_expiration_time(fresh.expiry);
        fresh.client_id = on_disk->client_id;
        fresh.client_secret = on_disk->client_secret;
        fresh.registration_expires_at = on_disk->registration_expires_at;
        // botocore drops the refresh token when the answer has none; the old one still works.
        fresh.refresh_token = created->refresh_token ? created->refresh_token : on_disk->refresh_token;
        outcome = Outcome::refreshed;
        return std::vector<std::string>{format_sso_token(fresh)};
      },
      access);
  if (updated) {
    if (outcome == Outcome::refreshed)
      log("refreshed the SSO token for " + session.label() + "; it expires at " + fresh.expires_at);
    return usable(fresh, outcome == Outcome::refreshed);
  }
  const bool still_valid = loaded->expiry > now();
  switch (outcome) {
    case Outcome::refreshed:
      attempts.last_failure = "the refreshed token could not be saved: " + updated.message();
      return make_error("CacheError",
                        "the SSO token for " + session.label() +
                            " was refreshed but could not be saved: " + updated.message(),
                        "make " + sso_token_cache_directory(context.env) + " writable, then " + login);
    case Outcome::not_refreshable:
      if (fresh.expiry > now()) return usable(fresh);
      return expired_error(fresh, failure);
    case Outcome::refused: {
      attempts.last_failure = failure;
      log("refreshing the SSO token for " + session.label() + " failed: " + failure);
      if (still_valid) return usable(*loaded);
      const bool transient = api_error->http_status == 429 || api_error->http_status >= 500;
      if (transient)
        return expired_error(
            *loaded, failure,
            api_error->code.empty() ? "HTTP" + std::to_string(api_error->http_status) : api_error->code,
            "the SSO OIDC service is throttling or failing: try again shortly");
      return expired_error(*loaded, failure);
    }
    case Outcome::no_answer:
      attempts.last_failure = failure;
      log("refreshing the SSO token for " + session.label() + " failed: " + failure);
      if (due == RefreshDue::advisory) return usable(*loaded);
      return make_error(
          api_error->out_of_time ? "Timeout" : "TransportError",
          "the SSO token for " + session.label() + " is due for a refresh, which failed: " + failure,
          "check the network and the SSO OIDC endpoint (sso_region, AWS_ENDPOINT_URL_SSO_OIDC)");
    case Outcome::fresh:
    case Outcome::none:
      break;
  }
  // The lock or the directory failed before anything was called.
  if (due == RefreshDue::advisory && still_valid) return usable(*loaded);
  return make_error("CacheError",
                    "cannot refresh the SSO token for " + session.label() + ": " + updated.message(),
                    "check " + sso_token_cache_directory(context.env));
}

}  // namespace awsprof
