// The `aws login` session (botocore 1.43 LoginProvider): the cache file, the DPoP proof and the
// refresh. Expected bytes were computed with Python (json.dumps, base64.urlsafe_b64encode) as
// botocore computes them; the key is a test key made with `openssl ecparam -name prime256v1`.
#include "awsprof/credentials/login_session.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/credentials/credential_process.hpp"
#include "awsprof/credentials/credential_resolver.hpp"
#include "test_support.hpp"

namespace awsprof {
namespace login_session_test {

constexpr const char* kTestKey =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIFVJoSSDioxt/A5HpYmozlZ+w4niVfmtNJ0vAobL5/nZoAoGCCqGSM49\n"
    "AwEHoUQDQgAEdzY5GNv/RnWI1Q++GQuk6b4Ar5s5JJu35rBAZp4+KiW37zAIvMgb\n"
    "n0cY/j/ADPvvoiSupcVwka5xaVHQNMDabA==\n"
    "-----END EC PRIVATE KEY-----\n";
constexpr const char* kPath =
    "/h/.aws/login/cache/2744ccd10c7533bd736ad890f9dd5cab2adb27b07d500b9493f29cdc420cb2e0.json";

std::chrono::system_clock::time_point at(const char* text) {
  return *parse_expiration_time(text);
}

std::string session_file(const char* expires_at) {
  return std::string(R"({"accessToken": {"accessKeyId": "ASIAOLD", "secretAccessKey": "old-secret", )"
                     R"("sessionToken": "old-session", "accountId": "111122223333", "expiresAt": ")") +
         expires_at +
         R"("}, "tokenType": "aws_sigv4", "refreshToken": "old-refresh", "idToken": "id", )"
         R"("clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": )" +
         python_json_string(kTestKey) + "}";
}

std::string base64url_decode(std::string text) {
  for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4 != 0) text += '=';
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n) - std::count(text.end() - 2, text.end(), '='));
  return out;
}

TEST(LoginSession, CachePathIsTheSha256OfTheSessionName) {
  EXPECT_EQ(login_cache_path(fake_env({{"HOME", "/h"}}), "me"), kPath);
  EXPECT_EQ(
      login_cache_path(
          fake_env({{"HOME", "/h"}, {"AWS_LOGIN_CACHE_DIRECTORY", "$TMPDIR/login"}, {"TMPDIR", "/t"}}), "me"),
      "/t/login/2744ccd10c7533bd736ad890f9dd5cab2adb27b07d500b9493f29cdc420cb2e0.json");
}

TEST(LoginSession, MissingFieldsAreNamedAsBotocoreNamesThem) {
  EXPECT_EQ(parse_login_token(R"({"accessToken": {}, "clientId": "c"})").message(),
            "Failed to load access token from token cache, missing required fields: refreshToken, dpopKey.");
}

TEST(LoginSession, EndpointsFollowTheSigninRuleSet) {
  EXPECT_EQ(signin_endpoint("us-east-1", "", false, false)->origin(),
            "https://us-east-1.signin.aws.amazon.com");
  EXPECT_EQ(signin_endpoint("cn-north-1", "", false, false)->origin(),
            "https://cn-north-1.signin.amazonaws.cn");
  EXPECT_EQ(signin_endpoint("us-gov-west-1", "", false, false)->origin(),
            "https://us-gov-west-1.signin.amazonaws-us-gov.com");
  EXPECT_EQ(signin_endpoint("us-east-1", "", true, false)->origin(),
            "https://signin-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(signin_endpoint("us-east-1", "", false, true)->origin(), "https://signin.us-east-1.api.aws");
  EXPECT_EQ(signin_endpoint("", "http://127.0.0.1:5000/", false, false)->origin(), "http://127.0.0.1:5000");
  EXPECT_FALSE(signin_endpoint("", "", false, false));
}

TEST(LoginSession, DpopProofIsBotocoresJwtAndItsSignatureVerifies) {
  auto proof = dpop_proof(kTestKey, "https://us-east-1.signin.aws.amazon.com/v1/token", 1706788800,
                          "0f8fad5b-d9cb-469f-a165-70867728950e");
  ASSERT_TRUE(proof) << proof.message();
  const std::size_t last = proof->rfind('.');
  const std::string signing_input = proof->substr(0, last);
  EXPECT_EQ(
      signing_input,
      "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6ImR6WTVHTnZfUm5XSTFRLS1HUXVr"
      "NmI0QXI1czVKSnUzNXJCQVpwNC1LaVUiLCJ5IjoidC04d0NMeklHNTlIR1A0X3dBejc3NklrcnFYRmNKR3VjV2xSMERUQTJtdyIsIm"
      "NydiI6IlAtMjU2In19."
      "eyJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cHM6Ly91cy1lYXN0LTEuc2lnbmluLmF3cy5hbWF6b24uY29tL3Yx"
      "L3Rva2VuIiwiaWF0IjoxNzA2Nzg4ODAwLCJqdGkiOiIwZjhmYWQ1Yi1kOWNiLTQ2OWYtYTE2NS03MDg2NzcyODk1MGUifQ");
  // ES256: r || s, 32 bytes each, verified with the key's public half.
  const std::string raw = base64url_decode(proof->substr(last + 1));
  ASSERT_EQ(raw.size(), 64u);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  BIO* bio = BIO_new_mem_buf(kTestKey, -1);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(key, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  const int verified =
      EVP_DigestVerify(ctx, der, static_cast<std::size_t>(der_length),
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  OPENSSL_free(der);
  EXPECT_EQ(verified, 1);

  EXPECT_FALSE(
      dpop_proof("-----BEGIN EC PRIVATE KEY-----\nnot a key\n-----END EC PRIVATE KEY-----\n", "u", 0, "j"));
}

struct Fixture {
  MemoryFileSystem disk;
  CannedTransport signin;
  LoginSessionContext context() {
    LoginSessionContext c;
    c.fs = &disk;
    c.env = fake_env({{"HOME", "/h"}});
    c.now = [] { return at("2024-02-01T12:00:00Z"); };
    c.transport = &signin;
    c.endpoint = *signin_endpoint("us-east-1", "", false, false);
    c.sleep = [](std::chrono::milliseconds) {};
    c.random = [] { return 0.0; };
    return c;
  }
};

TEST(LoginSession, FreshCredentialsComeFromTheFileWithoutACall) {
  Fixture f;
  f.disk.put(kPath, session_file("2024-02-01T12:06:00Z"));  // 6 minutes left
  auto got = login_session_credentials(LoginStep{"dev", "me"}, f.context());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->credentials.access_key_id, "ASIAOLD");
  EXPECT_EQ(got->account_id, "111122223333");
  EXPECT_TRUE(f.signin.sent.empty());
}

TEST(LoginSession, DueCredentialsAreRefreshedWithADpopProofAndSavedAsBotocoreSavesThem) {
  Fixture f;
  f.disk.put(kPath, session_file("2024-02-01T12:03:00Z"));  // 3 minutes left: refresh
  f.signin.add(200, R"({"accessToken": {"accessKeyId": "ASIANEW", "secretAccessKey": "new-secret",
                        "sessionToken": "new-session"}, "tokenType": "aws_sigv4", "expiresIn": 900,
                        "refreshToken": "new-refresh"})");
  auto got = login_session_credentials(LoginStep{"dev", "me"}, f.context());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->credentials.access_key_id, "ASIANEW");
  EXPECT_EQ(got->expiration, at("2024-02-01T12:15:00Z"));
  ASSERT_EQ(f.signin.sent.size(), 1u);
  const HttpRequest& request = f.signin.sent[0].request;
  EXPECT_EQ(f.signin.sent[0].origin, "https://us-east-1.signin.aws.amazon.com");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/v1/token");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            nlohmann::json({{"clientId", "arn:aws:signin:::devtools/same-device"},
                            {"refreshToken", "old-refresh"},
                            {"grantType", "refresh_token"}}));
  std::string dpop;
  for (const auto& [name, value] : request.headers)
    if (name == "DPoP") dpop = value;
  EXPECT_EQ(std::count(dpop.begin(), dpop.end(), '.'), 2) << dpop;

  std::string saved = f.disk.files().at(kPath);
  const std::string key = python_json_string(kTestKey);
  saved.replace(saved.find(key), key.size(), "\"KEY\"");
  EXPECT_EQ(
      saved,
      R"({"accessToken": {"accessKeyId": "ASIANEW", "secretAccessKey": "new-secret", "sessionToken": )"
      R"("new-session", "accountId": "111122223333", "expiresAt": "2024-02-01T12:15:00Z"}, "tokenType": )"
      R"("aws_sigv4", "refreshToken": "new-refresh", "idToken": "id", "clientId": )"
      R"("arn:aws:signin:::devtools/same-device", "dpopKey": "KEY"})");
}

TEST(LoginSession, AnExpiredSessionAsksForAwsLogin) {
  Fixture f;
  f.disk.put(kPath, session_file("2024-02-01T11:00:00Z"));
  f.signin.add(400, R"({"error": "TOKEN_EXPIRED", "message": "expired"})",
               {{"x-amzn-ErrorType", "AccessDeniedException"}});
  auto got = login_session_credentials(LoginStep{"dev", "me"}, f.context());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "LoginRequired");
  EXPECT_EQ(
      got.error().message.rfind("Your session has expired or credentials have changed. Please reauthenticate "
                                "using 'aws login'.",
                                0),
      0u);
  EXPECT_EQ(f.disk.files().at(kPath), session_file("2024-02-01T11:00:00Z"));  // left as it was

  Fixture none;
  auto missing = login_session_credentials(LoginStep{"dev", "me"}, none.context());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "LoginRequired");
}

TEST(LoginSession, TheResolverUsesTheSessionOfALoginProfile) {
  Fixture f;
  f.disk.put(kPath, session_file("2024-02-01T13:00:00Z"));
  Document config = Document::parse("[profile dev]\nlogin_session = me\nregion = us-east-1\n");
  Document none = Document::parse("");
  ProfileModel model = build_profile_model({"config", &config}, {"credentials", &none}, Dialect::cli);
  auto plan = plan_credentials(model, {"dev", ProfileSource::flag}, fake_env({{"HOME", "/h"}}));
  ASSERT_TRUE(plan) << plan.message();
  OfflineContext offline;
  offline.fs = &f.disk;
  offline.env = fake_env({{"HOME", "/h"}});
  offline.now = at("2024-02-01T12:00:00Z");
  auto got = resolve_offline(*plan, offline);
  ASSERT_TRUE(got) << got.message();
  ASSERT_TRUE(got->credentials);
  EXPECT_EQ(got->credentials->credentials.access_key_id, "ASIAOLD");
  EXPECT_EQ(chain_label(plan->steps[0]), "login(me)");
  offline.now = at("2024-02-01T12:56:00Z");  // 4 minutes left: the network is needed
  got = resolve_offline(*plan, offline);
  ASSERT_TRUE(got) << got.message();
  EXPECT_FALSE(got->credentials);
  EXPECT_EQ(got->network_call, "signin:CreateOAuth2Token");
}

}  // namespace login_session_test
}  // namespace awsprof
