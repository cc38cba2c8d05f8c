// The SSO token cache (the AWS CLI's file names and bytes) and botocore's refresh rules, over an
// in-memory disk and canned SSO OIDC answers. The expected names and bytes below were computed
// with Python's json.dumps and hashlib, as botocore computes them.
#include "awsprof/credentials/sso_token.hpp"

#include <gtest/gtest.h>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/credentials/credential_process.hpp"
#include "awsprof/model/profile_model.hpp"
#include "awsprof/credentials/sso_login.hpp"
#include "sso_loopback.hpp"
#include "test_support.hpp"

namespace awsprof {
namespace sso_token_test {

using std::chrono::minutes;
using std::chrono::seconds;
using SysClock = std::chrono::system_clock;

SsoSessionConfig corp() {
  SsoSessionConfig s;
  s.session_name = "corp";
  s.start_url = "https://d-1.awsapps.com/start";
  s.region = "us-east-1";
  return s;
}

SysClock::time_point at(const char* text) {
  return *parse_expiration_time(text);
}

TEST(SsoTokenCache, FileNamesAreTheCliCacheKeys) {
  SsoSessionConfig legacy;
  legacy.start_url = "https://d-1.awsapps.com/start";
  legacy.region = "us-east-1";
  EXPECT_EQ(sso_registration_cache_key(legacy), "4c8232f5b856247191190eb9e4a2d778dc4f2b56");
  EXPECT_EQ(sso_token_cache_key(legacy), hex_sha1("https://d-1.awsapps.com/start"));

  SsoSessionConfig scoped = corp();
  scoped.region = "eu-west-1";
  scoped.registration_scopes = std::vector<std::string>{"sso:account:access", "codewhisperer:completions"};
  EXPECT_EQ(sso_registration_cache_key(scoped), "30af4e529e0136d3d9bd793caeb44787a4b67c7e");

  SsoSessionConfig empty_scopes = corp();  // sso_registration_scopes set but empty: "scopes": []
  empty_scopes.registration_scopes = std::vector<std::string>{};
  EXPECT_EQ(sso_registration_cache_key(empty_scopes), "980b740f09bb00340b67bf4bb495e15f74a356e2");

  SsoSessionConfig unicode = corp();  // json.dumps escapes it; the token name hashes the UTF-8
  unicode.session_name = "\xc3\xa9quipe";
  EXPECT_EQ(sso_registration_cache_key(unicode), "3d5b9d55760eef10965b1eb0f0a740fb77a045d1");
  EXPECT_EQ(sso_token_cache_key(unicode), "e85e3a0d6d7c5e4114d817fccf50b403c11e9b7f");
  EXPECT_EQ(sso_token_path(fake_env({{"HOME", "/h"}}), unicode),
            "/h/.aws/sso/cache/e85e3a0d6d7c5e4114d817fccf50b403c11e9b7f.json");
}

TEST(SsoTokenCache, TokenAndRegistrationAreWrittenAsJsonDumps) {
  SsoToken token;
  token.start_url = "https://\xc3\xa9.example/start";
  token.region = "us-east-1";
  token.access_token = "tok\"en";
  token.expires_at = "2024-01-01T00:00:00Z";
  token.client_id = "cid";
  token.client_secret = "sec";
  token.registration_expires_at = "2024-04-01T00:00:00Z";
  token.refresh_token = "rt";
  const std::string bytes = format_sso_token(token);
  EXPECT_EQ(
      bytes,
      R"({"startUrl": "https://\u00e9.example/start", "region": "us-east-1", "accessToken": "tok\"en", )"
      R"("expiresAt": "2024-01-01T00:00:00Z", "clientId": "cid", "clientSecret": "sec", )"
      R"("registrationExpiresAt": "2024-04-01T00:00:00Z", "refreshToken": "rt"})");
  auto read = parse_sso_token(bytes);
  ASSERT_TRUE(read) << read.message();
  EXPECT_EQ(read->start_url, token.start_url);
  EXPECT_EQ(read->access_token, "tok\"en");
  EXPECT_EQ(read->expiry, at("2024-01-01T00:00:00Z"));
  EXPECT_EQ(format_sso_token(*read), bytes);

  token.refresh_token.reset();  // no refresh token: no key (as the CLI writes it)
  EXPECT_EQ(format_sso_token(token).find("refreshToken"), std::string::npos);

  SsoClientRegistration registration;
  registration.client_id = "cid";
  registration.client_secret = "sec";
  registration.expires_at = "2024-04-01T00:00:00Z";
  registration.scopes = std::vector<std::string>{"sso:account:access"};
  registration.grant_types = std::vector<std::string>{"authorization_code", "refresh_token"};
  EXPECT_EQ(format_sso_registration(registration),
            R"({"clientId": "cid", "clientSecret": "sec", "expiresAt": "2024-04-01T00:00:00Z", )"
            R"("scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]})");
  auto parsed = parse_sso_registration(format_sso_registration(registration));
  ASSERT_TRUE(parsed) << parsed.message();
  EXPECT_TRUE(parsed->for_authorization_code());
}

TEST(SsoTokenCache, BadTokenFilesSayWhatIsWrongWithoutValues) {
  EXPECT_EQ(parse_sso_token("[]").message(), "is not a JSON object");
  EXPECT_EQ(parse_sso_token(R"({"expiresAt": "2024-01-01T00:00:00Z"})").message(), "has no accessToken");
  EXPECT_EQ(parse_sso_token(R"({"accessToken": "secret"})").message(), "has no expiresAt");
  auto bad_time = parse_sso_token(R"({"accessToken": "secret", "expiresAt": "soon"})");
  EXPECT_EQ(bad_time.message(), "has an expiresAt that is not a time: \"soon\"");
  // Older CLIs wrote "UTC" instead of "Z"; dateutil reads both.
  EXPECT_TRUE(parse_sso_token(R"({"accessToken": "t", "expiresAt": "2024-01-01T00:00:00UTC"})"));
}

TEST(SsoTokenCache, RegistrationScopesAreParsedAsTheCliDoes) {
  EXPECT_EQ(parse_registration_scopes(" sso:account:access , ,codewhisperer:x\t"),
            (std::vector<std::string>{"sso:account:access", "codewhisperer:x"}));
  EXPECT_TRUE(parse_registration_scopes("").empty());
}

TEST(SsoTokenCache, WhyNotRefreshableFollowsBotocore) {
  SsoToken token = *parse_sso_token(
      R"({"accessToken": "t", "expiresAt": "2024-01-01T00:00:00Z", "clientId": "c", "clientSecret": "s",)"
      R"( "registrationExpiresAt": "2024-04-01T00:00:00Z", "refreshToken": "r"})");
  const auto now = at("2024-02-01T00:00:00Z");
  EXPECT_EQ(why_not_refreshable(corp(), token, now), std::nullopt);
  SsoSessionConfig legacy = corp();
  legacy.session_name.reset();
  EXPECT_NE(why_not_refreshable(legacy, token, now), std::nullopt);
  EXPECT_EQ(why_not_refreshable(corp(), token, at("2024-05-01T00:00:00Z")),
            "its client registration expired at 2024-04-01T00:00:00Z");
  token.refresh_token.reset();
  EXPECT_EQ(why_not_refreshable(corp(), token, now), "it has no refresh token");
}

TEST(SsoTokenCache, SessionConfigComesFromTheSessionOrTheProfile) {
  // Read through the profile model, as `aws sso login` reads its config.
  const std::string config =
      "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n"
      "sso_registration_scopes = sso:account:access\n"
      "[sso-session half]\nsso_region = us-east-1\n"
      "[profile dev]\nsso_session = corp\n"
      "[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n"
      "[profile old2]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n";
  Document document = Document::parse(config);
  Document none = Document::parse("");
  ProfileModel model = build_profile_model({"config", &document}, {"credentials", &none}, Dialect::cli);
  auto dev = sso_login_config(model, "dev", std::nullopt);
  ASSERT_TRUE(dev) << dev.message();
  EXPECT_EQ(dev->session_name, "corp");
  EXPECT_EQ(dev->registration_scopes, std::vector<std::string>{"sso:account:access"});
  auto old = sso_login_config(model, "old", std::nullopt);
  ASSERT_TRUE(old) << old.message();
  EXPECT_FALSE(old->session_name);
  EXPECT_EQ(old->profile, "old");
  EXPECT_EQ(sso_login_config(model, "dev", std::string("nope")).message(),
            "The specified sso-session does not exist: \"nope\"");
  EXPECT_EQ(sso_session_config(model, "half").message(),
            "Missing the following required SSO configuration values: sso_start_url (in [sso-session half])");
  auto all = configured_sso_logins(model);  // corp, then the legacy start URL once (half is incomplete)
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].label(), "sso-session corp");
  EXPECT_EQ(all[1].label(), "start URL https://old.awsapps.com/start");
}

// --- Refresh ------------------------------------------------------------------------------------

constexpr const char* kTokenPath = "/h/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";

struct RefreshFixture {
  MemoryFileSystem disk;
  CannedTransport oidc;
  SysClock::time_point now = at("2024-02-01T12:00:00Z");
  SsoTokenProvider provider;

  void put_token(SysClock::time_point expiry, bool refresh = true,
                 const char* registration_expires = "2024-04-01T00:00:00Z") {
    SsoToken token;
    token.start_url = "https://d-1.awsapps.com/start";
    token.region = "us-east-1";
    token.access_token = "old-access";
    token.expires_at = format_expiration_time(expiry);
    token.client_id = "cid";
    token.client_secret = "csecret";
    token.registration_expires_at = registration_expires;
    if (refresh) token.refresh_token = "old-refresh";
    disk.put(kTokenPath, format_sso_token(token));
  }
  SsoTokenContext context() {
    SsoTokenContext c;
    c.fs = &disk;
    c.env = fake_env({{"HOME", "/h"}});
    c.now = [this] { return now; };
    c.transport = &oidc;
    c.oidc.endpoint = *parse_url("https://oidc.us-east-1.amazonaws.com");
    c.oidc.sleep = [](std::chrono::milliseconds) {};
    c.oidc.random = [] { return 0.0; };
    c.login_command = "aws sso login --profile dev";
    return c;
  }
  Expected<SsoAccessToken, CredentialError> get() { return provider.access_token(corp(), context()); }
  SsoToken on_disk() { return *parse_sso_token(disk.files().at(kTokenPath)); }
};

const char* kRefreshed = R"({"accessToken": "new-access", "tokenType": "Bearer", "expiresIn": 3600,
                             "refreshToken": "new-refresh"})";
const std::vector<std::pair<std::string, std::string>> kInvalidGrant = {
    {"x-amzn-ErrorType", "InvalidGrantException"}};

TEST(SsoTokenRefresh, AFreshTokenIsUsedWithoutACall) {
  RefreshFixture f;
  f.put_token(f.now + minutes(16));
  auto got = f.get();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_token, "old-access");
  EXPECT_FALSE(got->refreshed);
  EXPECT_TRUE(f.oidc.sent.empty());
}

TEST(SsoTokenRefresh, AnExpiredTokenIsRefreshedAndSavedAsBotocoreDoes) {
  RefreshFixture f;
  f.put_token(f.now - minutes(1));
  f.oidc.add(200, kRefreshed);
  auto got = f.get();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_token, "new-access");
  EXPECT_TRUE(got->refreshed);
  ASSERT_EQ(f.oidc.sent.size(), 1u);
  EXPECT_EQ(f.oidc.sent[0].origin, "https://oidc.us-east-1.amazonaws.com");
  EXPECT_EQ(f.oidc.sent[0].request.path, "/token");
  auto body = nlohmann::json::parse(f.oidc.sent[0].request.body);
  EXPECT_EQ(body, nlohmann::json({{"clientId", "cid"},
                                  {"clientSecret", "csecret"},
                                  {"grantType", "refresh_token"},
                                  {"refreshToken", "old-refresh"}}));
  SsoToken saved = f.on_disk();
  EXPECT_EQ(saved.access_token, "new-access");
  EXPECT_EQ(saved.expires_at, "2024-02-01T13:00:00Z");
  EXPECT_EQ(saved.refresh_token, "new-refresh");
  EXPECT_EQ(saved.registration_expires_at, "2024-04-01T00:00:00Z");
  EXPECT_EQ(saved.start_url, "https://d-1.awsapps.com/start");
}

TEST(SsoTokenRefresh, TheOldRefreshTokenIsKeptWhenNoneComesBack) {
  RefreshFixture f;
  f.put_token(f.now - minutes(1));
  f.oidc.add(200, R"({"accessToken": "new-access", "tokenType": "Bearer", "expiresIn": 3600})");
  ASSERT_TRUE(f.get());
  EXPECT_EQ(f.on_disk().refresh_token, "old-refresh");
}

TEST(SsoTokenRefresh, AnAdvisoryRefreshThatFailsKeepsTheToken) {
  RefreshFixture f;
  f.put_token(f.now + minutes(12));  // 12 minutes left: advisory window
  f.oidc.add(400, R"({"error": "invalid_grant", "error_description": "Invalid refresh token"})",
             kInvalidGrant);
  auto got = f.get();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_token, "old-access");
  EXPECT_EQ(f.oidc.sent.size(), 1u);
  EXPECT_EQ(f.on_disk().access_token, "old-access");
}

TEST(SsoTokenRefresh, AMandatoryRefreshWithoutAnAnswerFailsButAnAdvisoryOneDoesNot) {
  RefreshFixture f;
  f.put_token(f.now + minutes(5));  // mandatory window, token still valid
  auto got = f.get();               // no canned answer: a transport error on each of the 3 attempts
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "TransportError");
  EXPECT_EQ(f.oidc.sent.size(), 3u);

  RefreshFixture advisory;
  advisory.put_token(advisory.now + minutes(14));
  auto kept = advisory.get();
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->access_token, "old-access");
}

TEST(SsoTokenRefresh, ARefusedRefreshOfAnExpiredTokenAsksForALoginAndIsNotRetriedWithinAMinute) {
  RefreshFixture f;
  f.put_token(f.now - minutes(1));
  f.oidc.add(400, R"({"error": "invalid_grant", "error_description": "Invalid refresh token"})",
             kInvalidGrant);
  auto got = f.get();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "SsoLoginRequired");
  EXPECT_EQ(got.error().message,
            "the SSO token for sso-session corp expired at 2024-02-01T11:59:00Z and could not be refreshed: "
            "sso-oidc:CreateToken failed: InvalidGrantException (HTTP 400): Invalid refresh token");
  EXPECT_EQ(got.error().hint, "run `aws sso login --profile dev`");
  EXPECT_EQ(got.error().message.find("old-refresh"), std::string::npos);

  f.now += seconds(30);  // another profile of the same run, half a minute later: no second call
  auto again = f.get();
  ASSERT_FALSE(again);
  EXPECT_EQ(f.oidc.sent.size(), 1u);
  EXPECT_NE(again.error().message.find("an attempt less than a minute ago failed"), std::string::npos);

  f.now += seconds(31);  // a minute later it is tried again
  f.oidc.add(200, kRefreshed);
  auto later = f.get();
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(f.oidc.sent.size(), 2u);
}

TEST(SsoTokenRefresh, ThrottlingIsTheServicesErrorNotALoginRequest) {
  RefreshFixture f;
  f.put_token(f.now - minutes(1));
  for (int i = 0; i < 3; ++i)
    f.oidc.add(429, R"({"error": "slow_down", "error_description": "Rate exceeded"})",
               {{"x-amzn-ErrorType", "TooManyRequestsException:http://internal.amazon.com/"}});
  auto got = f.get();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "TooManyRequestsException");
  EXPECT_EQ(f.oidc.sent.size(), 3u);  // botocore's standard retries
}

TEST(SsoTokenRefresh, ATokenThatCannotBeRefreshedIsNotSent) {
  RefreshFixture expired_registration;
  expired_registration.put_token(expired_registration.now - minutes(1), true, "2024-01-01T00:00:00Z");
  auto got = expired_registration.get();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "SsoLoginRequired");
  EXPECT_NE(got.error().message.find("its client registration expired at 2024-01-01T00:00:00Z"),
            std::string::npos);
  EXPECT_TRUE(expired_registration.oidc.sent.empty());

  RefreshFixture legacy;
  legacy.put_token(legacy.now - minutes(1));
  SsoSessionConfig session = corp();
  session.session_name.reset();
  legacy.disk.put(sso_token_path(fake_env({{"HOME", "/h"}}), session), legacy.disk.files().at(kTokenPath));
  auto old = legacy.provider.access_token(session, legacy.context());
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, "SsoLoginRequired");
  EXPECT_TRUE(legacy.oidc.sent.empty());
}

TEST(SsoTokenRefresh, ARefreshedTokenThatCannotBeSavedIsACacheError) {
  RefreshFixture f;
  f.put_token(f.now - minutes(1));
  f.oidc.add(200, kRefreshed);
  f.disk.fail_writes(true);
  auto got = f.get();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "CacheError");
  EXPECT_EQ(f.on_disk().access_token, "old-access");
}

TEST(SsoTokenRefresh, AMissingOrDamagedTokenAsksForALogin) {
  RefreshFixture f;
  auto missing = f.get();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "SsoLoginRequired");
  EXPECT_EQ(missing.error().message,
            std::string("there is no SSO token for sso-session corp (") + kTokenPath + ")");
  f.disk.put(kTokenPath, "{");
  auto damaged = f.get();
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, "SsoLoginRequired");
}

// --- Status, logout ------------------------------------------------------------------------------

TEST(SsoTokenCache, LoginStateAndLogout) {
  RefreshFixture f;
  f.put_token(f.now - minutes(1));
  const std::string role_credentials = "/h/.aws/cli/cache/role.json";
  f.disk.put(role_credentials, R"({"ProviderType": "sso", "Credentials": {}})");
  f.disk.put("/h/.aws/cli/cache/assumed.json", R"({"Credentials": {}})");
  const std::string registration = "/h/.aws/sso/cache/registration.json";
  f.disk.put(registration, R"({"clientId": "c", "clientSecret": "s", "expiresAt": "2024-04-01T00:00:00Z"})");

  auto state = sso_login_state(f.disk, fake_env({{"HOME", "/h"}}), corp(), f.now);
  ASSERT_TRUE(state) << state.message();
  EXPECT_EQ(state->token, SsoLoginState::Token::expired);
  EXPECT_TRUE(state->refreshable);
  EXPECT_TRUE(state->usable());

  SsoLogoutOptions options;
  options.fs = &f.disk;
  options.env = fake_env({{"HOME", "/h"}});
  auto out = sso_logout_all(options);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->removed_tokens, std::vector<std::string>{kTokenPath});
  EXPECT_EQ(out->removed_credentials, std::vector<std::string>{role_credentials});
  EXPECT_TRUE(f.disk.files().count(registration));  // registrations stay, as with `aws sso logout`
  EXPECT_TRUE(f.disk.files().count("/h/.aws/cli/cache/assumed.json"));
  EXPECT_EQ(sso_login_state(f.disk, options.env, corp(), f.now)->token, SsoLoginState::Token::missing);
}

// --- Login helpers -------------------------------------------------------------------------------

TEST(SsoLogin, PkceChallengeIsRfc7636S256) {
  // base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()) without padding, as botocore makes it.
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mJ92DwH3D6iUGZ8wD2KkcQHuFmc1WQ"),
            "siU0MvIV5EMtwwJiTpmYaZFdf0sG1I3UwQy6AGQasQo");
  EXPECT_EQ(pkce_challenge("a"), "ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs");
}

TEST(SsoLogin, RedirectQueriesArePercentDecoded) {
  auto query = detail::parse_query("code=a%2Fb+c&state=s&error_description=x%zz&flag");
  EXPECT_EQ(query["code"], "a/b c");
  EXPECT_EQ(query["state"], "s");
  EXPECT_EQ(query["error_description"], "x%zz");
  EXPECT_EQ(query["flag"], "");
}

TEST(SsoLogin, DeviceFlowPollsThroughPendingAndSlowDownThenSavesTheToken) {
  MemoryFileSystem disk;
  CannedTransport oidc;
  oidc.add(200, R"({"clientId": "cid", "clientSecret": "csecret", "clientIdIssuedAt": 1700000000,
                    "clientSecretExpiresAt": 1714521600})");
  oidc.add(200, R"({"deviceCode": "dev", "userCode": "ABCD-EFGH", "verificationUri": "https://v/",
                    "verificationUriComplete": "https://v/?c=ABCD-EFGH", "expiresIn": 600, "interval": 1})");
  const std::vector<std::pair<std::string, std::string>> pending = {
      {"x-amzn-ErrorType", "AuthorizationPendingException"}};
  oidc.add(400, R"({"error": "authorization_pending"})", pending);
  oidc.add(400, R"({"error": "slow_down"})", {{"x-amzn-ErrorType", "SlowDownException"}});
  oidc.add(400, R"({"error": "authorization_pending"})", pending);
  oidc.add(200, kRefreshed);
  std::vector<std::chrono::milliseconds> waits;
  int prompts = 0;
  SsoLoginOptions options;
  options.fs = &disk;
  options.env = fake_env({{"HOME", "/h"}});
  options.transport = &oidc;
  options.oidc.endpoint = *parse_url("https://oidc.us-east-1.amazonaws.com");
  options.use_device_code = true;
  options.now = [] { return at("2024-02-01T12:00:00Z"); };
  options.sleep = [&waits](std::chrono::milliseconds wait) { waits.push_back(wait); };
  options.on_pending = [&prompts](const SsoLoginPrompt& prompt) {
    ++prompts;
    EXPECT_EQ(prompt.user_code, "ABCD-EFGH");
    EXPECT_FALSE(prompt.browser_flow);
  };
  auto got = sso_login(corp(), options);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(prompts, 1);
  // interval 1 s; slow_down adds 5 (RFC 8628 3.5)
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{seconds(1), seconds(6), seconds(6)}));
  auto register_body = nlohmann::json::parse(oidc.sent[0].request.body);
  EXPECT_EQ(register_body,
            nlohmann::json({{"clientName", "botocore-client-corp"}, {"clientType", "public"}}));
  EXPECT_EQ(
      disk.files().at(kTokenPath),
      R"({"startUrl": "https://d-1.awsapps.com/start", "region": "us-east-1", "accessToken": "new-access", )"
      R"("expiresAt": "2024-02-01T13:00:00Z", "clientId": "cid", "clientSecret": "csecret", )"
      R"("registrationExpiresAt": "2024-05-01T00:00:00Z", "refreshToken": "new-refresh"})");
  EXPECT_EQ(disk.files().at("/h/.aws/sso/cache/" + sso_registration_cache_key(corp()) + ".json"),
            R"({"clientId": "cid", "clientSecret": "csecret", "expiresAt": "2024-05-01T00:00:00Z"})");
}

}  // namespace sso_token_test
}  // namespace awsprof
