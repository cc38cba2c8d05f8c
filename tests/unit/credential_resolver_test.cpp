// resolve_credentials, read_network_settings and test_profile over a fake HttpTransport: inline
// cases, then the smithy-rs provider-chain cases that record HTTP traffic (IMDS, ECS, SSO, STS),
// replayed in order, with each request's method, host and path checked against the recording.
#include "awsprof/credentials/credential_resolver.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "awsprof/credentials/credential_cache.hpp"
#include "test_support.hpp"

namespace awsprof {
namespace credential_resolver_test {

namespace fs = std::filesystem;
using nlohmann::json;
using SysClock = std::chrono::system_clock;

struct Files {
  Document config;
  Document credentials;
  ProfileModel model;
  Files(std::string c, std::string k)
      : config(Document::parse(std::move(c))), credentials(Document::parse(std::move(k))) {
    model = build_profile_model({"config", &config}, {"credentials", &credentials}, Dialect::cli);
  }
};

std::string assume_role_xml(const std::string& key, const std::string& arn, const std::string& expiration,
                            const char* action = "AssumeRole") {
  return std::string("<") + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" +
         action + "Result><Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>secret-of-" +
         key + "</SecretAccessKey><SessionToken>token-of-" + key + "</SessionToken><Expiration>" +
         expiration +
         "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>" + arn +
         "</Arn></AssumedRoleUser></" + action + "Result></" + action + "Response>";
}

const char* kFarFuture = "2099-01-01T00:00:00Z";

ResolverContext context_for(FileSystem& disk, CannedTransport& transport, EnvLookup env) {
  ResolverContext c;
  c.fs = &disk;
  c.env = std::move(env);
  c.transport = &transport;
  c.metadata_transport = &transport;
  c.sts_endpoint = StsEndpoint{"https://sts.us-east-1.amazonaws.com", "us-east-1", "partition"};
  c.sleep = [](std::chrono::milliseconds) {};
  c.random = [] { return 0.0; };
  c.now = [] { return SysClock::time_point(std::chrono::seconds(1'700'000'000)); };
  return c;
}

std::string header(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  return "";
}

const char* kChainConfig = R"([profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = base-secret-value
[profile hop1]
role_arn = arn:aws:iam::123456789012:role/one
source_profile = base
external_id = ext-1
role_session_name = s1
[profile hop2]
role_arn = arn:aws:iam::123456789012:role/two
source_profile = hop1
)";

const char* kSsoConfig = R"([profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = Admin
)";

TEST(CredentialResolver, TwoHopChainSignsEachHopWithThePreviousAndCaches) {
  Files files(kChainConfig, "");
  MemoryFileSystem disk;
  CannedTransport transport;
  transport.add(200, assume_role_xml("ASIAONE", "arn:aws:sts::123456789012:assumed-role/one/s1", kFarFuture));
  transport.add(200, assume_role_xml("ASIATWO", "arn:aws:sts::123456789012:assumed-role/two/x", kFarFuture));
  auto env = fake_env({{"HOME", "/home/u"}});
  auto plan = plan_credentials(files.model, {"hop2", ProfileSource::flag}, env);
  ASSERT_TRUE(plan) << plan.message();
  CredentialResolution got = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(got.credentials->credentials.access_key_id, "ASIATWO");
  EXPECT_EQ(got.chain,
            (std::vector<std::string>{"static(base)", "assume-role(arn:aws:iam::123456789012:role/one)",
                                      "assume-role(arn:aws:iam::123456789012:role/two)"}));
  ASSERT_EQ(transport.sent.size(), 2u);
  for (const auto& sent : transport.sent) EXPECT_EQ(sent.origin, "https://sts.us-east-1.amazonaws.com");
  EXPECT_NE(header(transport.sent[0].request, "Authorization").find("Credential=AKIDBASE/"),
            std::string::npos);
  EXPECT_NE(header(transport.sent[1].request, "Authorization").find("Credential=ASIAONE/"),
            std::string::npos);
  EXPECT_EQ(header(transport.sent[1].request, "X-Amz-Security-Token"), "token-of-ASIAONE");
  EXPECT_NE(transport.sent[0].request.body.find("ExternalId=ext-1"), std::string::npos);
  EXPECT_NE(transport.sent[0].request.body.find("RoleSessionName=s1"), std::string::npos);
  EXPECT_NE(transport.sent[1].request.body.find("RoleSessionName=botocore-session-1700000000"),
            std::string::npos);
  EXPECT_EQ(disk.files().size(), 2u);  // one cache entry per hop

  // Again: the newest hop comes from the cache, nothing is sent.
  CannedTransport none;
  CredentialResolution again = resolve_credentials(*plan, context_for(disk, none, env));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.credentials->credentials.access_key_id, "ASIATWO");
  EXPECT_TRUE(none.sent.empty());
}

// A configured endpoint (an emulator, a test double) must not poison the cache the AWS CLI reads:
// its results are not written, and an entry a normal run wrote is not taken either.
TEST(CredentialResolver, ConfiguredEndpointsNeitherWriteNorReadTheCliCache) {
  Files files(kChainConfig, "");
  auto env = fake_env({{"HOME", "/h"}});
  auto plan = plan_credentials(files.model, {"hop2", ProfileSource::flag}, env);
  ASSERT_TRUE(plan) << plan.message();
  for (const char* source : {"--endpoint-url", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL",
                             "services.sts.endpoint_url", "endpoint_url"}) {
    SCOPED_TRACE(source);
    MemoryFileSystem disk;
    CannedTransport fake;
    fake.add(200, assume_role_xml("ASIAFAKE1", "arn:aws:sts::123456789012:assumed-role/one/s1", kFarFuture));
    fake.add(200, assume_role_xml("ASIAFAKE2", "arn:aws:sts::123456789012:assumed-role/two/x", kFarFuture));
    ResolverContext c = context_for(disk, fake, env);
    c.sts_endpoint = StsEndpoint{"http://127.0.0.1:5000", "us-east-1", source};
    std::vector<std::string> log;
    c.log = [&log](std::string_view line) { log.emplace_back(line); };
    CredentialResolution got = resolve_credentials(*plan, c);
    ASSERT_TRUE(got.ok()) << got.error->message;
    EXPECT_EQ(got.credentials->credentials.access_key_id, "ASIAFAKE2");
    EXPECT_TRUE(disk.files().empty());
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& line) {
      return line.find("not cached: its endpoint is configured") != std::string::npos;
    }));
  }

  // Real credentials a normal run cached are not used (nor sent) against the emulator.
  MemoryFileSystem disk;
  for (std::size_t hop : {1u, 2u})
    ASSERT_TRUE(write_cached_credentials(
        disk, "/h/.aws/cli/cache", *cache_key(plan->steps[hop]),
        CachedCredentials{{"ASIAREAL" + std::to_string(hop), "real-secret", "real-token"},
                          SysClock::time_point(std::chrono::seconds(4'000'000'000))}));
  const auto before = disk.files();
  CannedTransport fake;
  fake.add(200, assume_role_xml("ASIAFAKE1", "arn:aws:sts::123456789012:assumed-role/one/s1", kFarFuture));
  fake.add(200, assume_role_xml("ASIAFAKE2", "arn:aws:sts::123456789012:assumed-role/two/x", kFarFuture));
  ResolverContext c = context_for(disk, fake, env);
  c.sts_endpoint = StsEndpoint{"http://127.0.0.1:5000", "us-east-1", "--endpoint-url"};
  CredentialResolution got = resolve_credentials(*plan, c);
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(got.credentials->credentials.access_key_id, "ASIAFAKE2");
  ASSERT_EQ(fake.sent.size(), 2u);
  EXPECT_NE(header(fake.sent[0].request, "Authorization").find("Credential=AKIDBASE/"), std::string::npos);
  EXPECT_EQ(disk.files(), before);

  // SSO: a configured portal URL keeps its role credentials out of the cache too.
  Files sso_files(kSsoConfig, "");
  auto sso_plan = plan_credentials(sso_files.model, {"sso", ProfileSource::flag}, env);
  ASSERT_TRUE(sso_plan) << sso_plan.message();
  MemoryFileSystem sso_disk;
  sso_disk.put("/h/.aws/sso/cache/" + sso_token_cache_key(std::get<SsoStep>(sso_plan->steps[0])) + ".json",
               R"({"accessToken": "bearer-secret", "expiresAt": "2099-01-01T00:00:00Z"})");
  CannedTransport portal;
  portal.add(200,
             R"({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "s", "sessionToken": "t",
                          "expiration": 4070908800000}})");
  ResolverContext sso_context = context_for(sso_disk, portal, env);
  sso_context.settings.sso_endpoint_url = "http://127.0.0.1:5001";
  CredentialResolution sso_got = resolve_credentials(*sso_plan, sso_context);
  ASSERT_TRUE(sso_got.ok()) << sso_got.error->message;
  EXPECT_EQ(portal.sent.at(0).origin, "http://127.0.0.1:5001");
  EXPECT_EQ(sso_disk.files().size(), 1u);  // the token only
}

TEST(CredentialResolver, StsErrorKeepsItsCodeAndNeverTheSecret) {
  Files files(kChainConfig, "");
  MemoryFileSystem disk;
  CannedTransport transport;
  transport.add(403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed"
                "</Message></Error><RequestId>r</RequestId></ErrorResponse>");
  auto env = fake_env({{"HOME", "/h"}});
  auto plan = plan_credentials(files.model, {"hop1", ProfileSource::flag}, env);
  ASSERT_TRUE(plan);
  CredentialResolution got = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error->code, "AccessDenied");
  EXPECT_NE(got.error->message.find("profile \"hop1\": AssumeRole failed"), std::string::npos);
  EXPECT_EQ(got.error->message.find("base-secret-value"), std::string::npos);
  EXPECT_TRUE(disk.files().empty());
}

const char* kMfaConfig = R"([profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = base-secret-value
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/one
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me
)";

TEST(CredentialResolver, MfaCodeComesFromTheCallbackOrFailsClearly) {
  Files files(kMfaConfig, "");
  MemoryFileSystem disk;
  CannedTransport transport;
  auto env = fake_env({{"HOME", "/h"}});
  auto plan = plan_credentials(files.model, {"mfa", ProfileSource::flag}, env);
  ASSERT_TRUE(plan);
  CredentialResolution no_prompt = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_FALSE(no_prompt.ok());
  EXPECT_EQ(no_prompt.error->code, "MfaRequired");
  EXPECT_NE(no_prompt.error->hint.find("--mfa-code"), std::string::npos);
  EXPECT_TRUE(transport.sent.empty());

  transport.add(200, assume_role_xml("ASIAMFA", "arn:aws:sts::123456789012:assumed-role/one/x", kFarFuture));
  ResolverContext c = context_for(disk, transport, env);
  std::string asked;
  c.mfa_code = [&asked](const MfaRequest& r) -> Result<std::string> {
    asked = r.mfa_serial;
    return std::string("123456");
  };
  CredentialResolution got = resolve_credentials(*plan, c);
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(asked, "arn:aws:iam::123456789012:mfa/me");
  EXPECT_NE(transport.sent[0].request.body.find("TokenCode=123456"), std::string::npos);
  EXPECT_NE(transport.sent[0].request.body.find("SerialNumber=arn%3Aaws%3Aiam"), std::string::npos);
}

TEST(CredentialResolver, WebIdentityIsUnsignedAndReadsTheTokenFile) {
  Files files(R"([profile web]
role_arn = arn:aws:iam::123456789012:role/web
web_identity_token_file = /tok
)",
              "");
  MemoryFileSystem disk;
  disk.put("/tok", "the.jwt.token");
  CannedTransport transport;
  transport.add(200, assume_role_xml("ASIAWEB", "arn:aws:sts::123456789012:assumed-role/web/x", kFarFuture,
                                     "AssumeRoleWithWebIdentity"));
  auto env = fake_env({{"HOME", "/h"}});
  auto plan = plan_credentials(files.model, {"web", ProfileSource::flag}, env);
  ASSERT_TRUE(plan);
  CredentialResolution got = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_TRUE(got.ok()) << got.error->message;
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header(transport.sent[0].request, "Authorization"), "");
  EXPECT_NE(transport.sent[0].request.body.find("WebIdentityToken=the.jwt.token"), std::string::npos);
  EXPECT_EQ(disk.files().size(), 2u);  // the token and the cache entry
}

TEST(CredentialResolver, SsoGetsRoleCredentialsWithTheBearerTokenAndAdvisesLoginOn401) {
  Files files(kSsoConfig, "");
  MemoryFileSystem disk;
  SsoStep key_step;
  key_step.sso_start_url = "https://example.awsapps.com/start";
  disk.put("/h/.aws/sso/cache/" + sso_token_cache_key(key_step) + ".json",
           R"({"accessToken": "bearer-secret", "expiresAt": "2099-01-01T00:00:00Z", "region": "eu-west-1"})");
  CannedTransport transport;
  transport.add(200,
                R"({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "s", "sessionToken": "t",
                          "expiration": 4070908800000}})");
  auto env = fake_env({{"HOME", "/h"}});
  auto plan = plan_credentials(files.model, {"sso", ProfileSource::flag}, env);
  ASSERT_TRUE(plan) << plan.message();
  CredentialResolution got = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(got.credentials->credentials.access_key_id, "ASIASSO");
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].origin, "https://portal.sso.eu-west-1.amazonaws.com");
  // botocore's order: the input shape's members (roleName, accountId).
  EXPECT_EQ(transport.sent[0].request.path,
            "/federation/credentials?role_name=Admin&account_id=123456789012");
  EXPECT_EQ(header(transport.sent[0].request, "x-amz-sso_bearer_token"), "bearer-secret");

  MemoryFileSystem disk2;
  disk2.put("/h/.aws/sso/cache/" + sso_token_cache_key(key_step) + ".json",
            R"({"accessToken": "bearer-secret", "expiresAt": "2099-01-01T00:00:00Z"})");
  CannedTransport rejecting;
  rejecting.add(401, R"({"message": "Session token not found or invalid"})",
                {{"x-amzn-ErrorType", "UnauthorizedException:http://internal.amazon.com/"}});
  CredentialResolution bad = resolve_credentials(*plan, context_for(disk2, rejecting, env));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error->code, "SsoLoginRequired");
  EXPECT_EQ(bad.error->hint, "run `aws sso login --profile sso`");
  EXPECT_EQ(bad.error->message.find("bearer-secret"), std::string::npos);
}

TEST(CredentialResolver, ContainerFullUriHostsAreCheckedAndTheTokenFileIsSent) {
  Files files("", "");
  MemoryFileSystem disk;
  disk.put("/token", "container-auth-secret");
  CannedTransport transport;
  auto plan_for = [&](const std::string& uri) {
    auto env = fake_env({{"HOME", "/h"},
                         {"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri},
                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/token"}});
    return std::pair(plan_credentials(files.model, {"default", ProfileSource::default_name}, env), env);
  };
  auto [refused_plan, refused_env] = plan_for("http://192.168.1.1/creds");
  ASSERT_TRUE(refused_plan);
  CredentialResolution refused =
      resolve_credentials(*refused_plan, context_for(disk, transport, refused_env));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, "ContainerError");
  EXPECT_TRUE(transport.sent.empty());

  transport.add(200, R"({"AccessKeyId": "ASIACON", "SecretAccessKey": "s", "Token": "t",
                         "Expiration": "2099-01-01T00:00:00Z"})");
  auto [plan, env] = plan_for("http://127.0.0.1:8080/creds?x=1");
  CredentialResolution got = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(got.chain, std::vector<std::string>{"container"});
  EXPECT_EQ(transport.sent[0].origin, "http://127.0.0.1:8080");
  EXPECT_EQ(transport.sent[0].request.path, "/creds?x=1");
  EXPECT_EQ(header(transport.sent[0].request, "Authorization"), "container-auth-secret");
}

std::string session_token_xml() {
  return "<GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>ASIASESSION</AccessKeyId>"
         "<SecretAccessKey>session-secret</SecretAccessKey><SessionToken>session-token</SessionToken>"
         "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></GetSessionTokenResult>"
         "</GetSessionTokenResponse>";
}

// One prompt per device per run: the first role trades the code for an MFA session, the others
// are assumed with it; a role whose source is temporary (a chain's second hop) asks for its own.
TEST(CredentialResolver, MfaSessionsAskOncePerDevice) {
  auto role = [](const std::string& name, const std::string& source, const std::string& device) {
    return "[profile " + name + "]\nrole_arn = arn:aws:iam::123456789012:role/" + name +
           "\nsource_profile = " + source + "\nmfa_serial = arn:aws:iam::123456789012:mfa/" + device + "\n";
  };
  Files files(std::string(kMfaConfig) + role("prod", "base", "me") + role("audit", "base", "me") +
                  role("deeper", "mfa", "me") + role("other", "base", "other"),
              "");
  MemoryFileSystem disk;
  auto env = fake_env({{"HOME", "/h"}});
  const std::vector<SelectedProfile> profiles = {{"mfa", ProfileSource::flag},
                                                 {"prod", ProfileSource::flag},
                                                 {"audit", ProfileSource::flag},
                                                 {"deeper", ProfileSource::flag},
                                                 {"other", ProfileSource::flag}};
  // deeper's own hop is signed with a role's keys; "other" is named once: neither is shared.
  EXPECT_EQ(devices_named_twice(files.model, profiles, env),
            (std::set<std::string>{"arn:aws:iam::123456789012:mfa/me"}));
  MfaSessions sessions(devices_named_twice(files.model, profiles, env));
  std::vector<std::string> asked;
  auto resolve = [&](const char* profile, CannedTransport& transport, bool refuse = false) {
    ResolverContext c = context_for(disk, transport, env);
    c.mfa_sessions = &sessions;
    c.write_cache = false;
    c.mfa_code = [&asked, refuse](const MfaRequest& r) -> Result<std::string> {
      asked.push_back(r.profile);
      if (refuse) return Result<std::string>::error("no MFA code was entered");
      return std::string("123456");
    };
    auto plan = plan_credentials(files.model, {profile, ProfileSource::flag}, env);
    EXPECT_TRUE(plan) << plan.message();
    return resolve_credentials(*plan, c);
  };

  CannedTransport refused;
  CredentialResolution not_entered = resolve("prod", refused, true);
  ASSERT_FALSE(not_entered.ok());
  EXPECT_EQ(not_entered.error->code, "MfaRequired");
  EXPECT_TRUE(refused.sent.empty());

  CannedTransport first;  // a failure is not kept: the next role asks again, and opens the session
  first.add(200, session_token_xml());
  first.add(200, assume_role_xml("ASIAMFA", "arn:aws:sts::123456789012:assumed-role/one/x", kFarFuture));
  ASSERT_TRUE(resolve("mfa", first).ok());
  ASSERT_EQ(first.sent.size(), 2u);
  EXPECT_NE(first.sent[0].request.body.find("Action=GetSessionToken"), std::string::npos);
  EXPECT_NE(first.sent[0].request.body.find("TokenCode=123456"), std::string::npos);
  EXPECT_NE(header(first.sent[0].request, "Authorization").find("Credential=AKIDBASE/"), std::string::npos);
  for (const char* profile : {"prod", "audit"}) {
    CannedTransport next;
    next.add(200, assume_role_xml("ASIAROLE", "arn:aws:sts::123456789012:assumed-role/r/x", kFarFuture));
    ASSERT_TRUE(resolve(profile, next).ok()) << profile;
    ASSERT_EQ(next.sent.size(), 1u);
    EXPECT_EQ(header(next.sent[0].request, "X-Amz-Security-Token"), "session-token");
    EXPECT_NE(header(next.sent[0].request, "Authorization").find("Credential=ASIASESSION/"),
              std::string::npos);
    EXPECT_EQ(next.sent[0].request.body.find("TokenCode"), std::string::npos);
    EXPECT_EQ(next.sent[0].request.body.find("SerialNumber"), std::string::npos);
  }
  EXPECT_EQ(asked, (std::vector<std::string>{"prod", "mfa"}));

  CannedTransport chain;  // mfa's hop from the session, then deeper's own code for its hop
  chain.add(200, assume_role_xml("ASIAMFA", "arn:aws:sts::123456789012:assumed-role/one/x", kFarFuture));
  chain.add(200, assume_role_xml("ASIADEEP", "arn:aws:sts::123456789012:assumed-role/deeper/x", kFarFuture));
  ASSERT_TRUE(resolve("deeper", chain).ok());
  ASSERT_EQ(chain.sent.size(), 2u);
  EXPECT_EQ(header(chain.sent[1].request, "X-Amz-Security-Token"), "token-of-ASIAMFA");
  EXPECT_NE(chain.sent[1].request.body.find("TokenCode=123456"), std::string::npos);
  EXPECT_EQ(asked, (std::vector<std::string>{"prod", "mfa", "deeper"}));
}

// The deadline goes with every request of every step (so the transport can cut a stalled one), and
// the time spent at the MFA prompt moves it later: --timeout bounds the network, not the person.
TEST(CredentialResolver, EveryRequestCarriesTheDeadlineMovedByThePrompt) {
  Files files(std::string(kMfaConfig) + R"([profile imds]
role_arn = arn:aws:iam::123456789012:role/two
credential_source = Ec2InstanceMetadata
)",
              "");
  MemoryFileSystem disk;
  auto env = fake_env({{"HOME", "/h"}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);

  CannedTransport transport;
  transport.add(200, assume_role_xml("ASIAMFA", "arn:aws:sts::123456789012:assumed-role/one/x", kFarFuture));
  ResolverContext c = context_for(disk, transport, env);
  c.deadline = deadline;
  c.mfa_code = [](const MfaRequest&) -> Result<std::string> {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a person typing
    return std::string("123456");
  };
  auto plan = plan_credentials(files.model, {"mfa", ProfileSource::flag}, env);
  ASSERT_TRUE(plan);
  CredentialResolution got = resolve_credentials(*plan, c);
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_GE(got.waited_for_input, std::chrono::milliseconds(50));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].request.deadline, deadline + got.waited_for_input);

  CannedTransport metadata;
  metadata.add(200, "imds-token");
  metadata.add(200, "my-role\n");
  metadata.add(200, R"({"AccessKeyId": "ASIAIMDS", "SecretAccessKey": "s", "Token": "t"})");
  metadata.add(200, assume_role_xml("ASIATWO", "arn:aws:sts::123456789012:assumed-role/two/x", kFarFuture));
  ResolverContext m = context_for(disk, metadata, env);
  m.deadline = deadline;
  auto imds_plan = plan_credentials(files.model, {"imds", ProfileSource::flag}, env);
  ASSERT_TRUE(imds_plan) << imds_plan.message();
  CredentialResolution imds = resolve_credentials(*imds_plan, m);
  ASSERT_TRUE(imds.ok()) << imds.error->message;
  EXPECT_EQ(imds.waited_for_input, std::chrono::milliseconds(0));
  ASSERT_EQ(metadata.sent.size(), 4u);
  for (const auto& sent : metadata.sent) EXPECT_EQ(sent.request.deadline, deadline) << sent.request.path;

  // Past the deadline, no further step starts.
  CannedTransport none;
  ResolverContext late = context_for(disk, none, env);
  late.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  CredentialResolution timed_out = resolve_credentials(*imds_plan, late);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error->code, "Timeout");
  EXPECT_TRUE(none.sent.empty());
}

TEST(CredentialResolver, ImdsV2TokenThenRoleThenCredentialsAndV1Fallback) {
  Files files("", "");
  MemoryFileSystem disk;
  auto env = fake_env({{"HOME", "/h"}});
  auto plan = plan_credentials(files.model, {"default", ProfileSource::default_name}, env);
  ASSERT_TRUE(plan);
  CannedTransport transport;
  transport.add(200, "imds-token");
  transport.add(200, "my-role\n");
  transport.add(200, R"({"Code": "Success", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "s", "Token": "t",
                         "Expiration": "2099-01-01T00:00:00Z"})");
  CredentialResolution got = resolve_credentials(*plan, context_for(disk, transport, env));
  ASSERT_TRUE(got.ok()) << got.error->message;
  ASSERT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(transport.sent[0].origin, "http://169.254.169.254");
  EXPECT_EQ(transport.sent[0].request.method, "PUT");
  EXPECT_EQ(header(transport.sent[0].request, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(transport.sent[2].request.path, "/latest/meta-data/iam/security-credentials/my-role");
  EXPECT_EQ(header(transport.sent[2].request, "x-aws-ec2-metadata-token"), "imds-token");

  CannedTransport v1;
  v1.add(403, "");
  v1.add(200, "r");
  v1.add(200, R"({"AccessKeyId": "ASIAV1", "SecretAccessKey": "s"})");
  CredentialResolution fallback = resolve_credentials(*plan, context_for(disk, v1, env));
  ASSERT_TRUE(fallback.ok()) << fallback.error->message;
  EXPECT_EQ(header(v1.sent[1].request, "x-aws-ec2-metadata-token"), "");

  auto ipv6_env = fake_env({{"HOME", "/h"}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}});
  auto ipv6_plan = plan_credentials(files.model, {"default", ProfileSource::default_name}, ipv6_env);
  CannedTransport down;
  CredentialResolution unreachable = resolve_credentials(*ipv6_plan, context_for(disk, down, ipv6_env));
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error->code, "MetadataError");
  EXPECT_EQ(down.sent[0].origin, "http://[fd00:ec2::254]");
}

TEST(NetworkSettings, EndpointPrecedenceAndServicesSection) {
  Files files(R"([profile p]
region = eu-west-1
endpoint_url = http://profile.example
services = mine
[services mine]
sts =
  endpoint_url = http://services.example
)",
              "");
  auto settings_with = [&](std::map<std::string, std::string> vars, std::string flag) {
    NetworkOverrides o;
    o.endpoint_url = std::move(flag);
    auto s = read_network_settings(files.model, "p", fake_env(std::move(vars)), o);
    EXPECT_TRUE(s) << s.message();
    auto e = sts_endpoint_for(*s);
    EXPECT_TRUE(e) << e.message();
    return e->url;
  };
  EXPECT_EQ(settings_with({}, "http://flag.example"), "http://flag.example");
  EXPECT_EQ(settings_with({{"AWS_ENDPOINT_URL_STS", "http://sts-env.example"}}, ""),
            "http://sts-env.example");
  EXPECT_EQ(settings_with({{"AWS_ENDPOINT_URL", "http://env.example"}}, ""), "http://env.example");
  EXPECT_EQ(settings_with({}, ""), "http://services.example");
  EXPECT_EQ(settings_with({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}, ""),
            "https://sts.eu-west-1.amazonaws.com");
  auto none = read_network_settings(files.model, "missing", fake_env({}), {});
  ASSERT_TRUE(none);
  EXPECT_EQ(sts_endpoint_for(*none)->url, "https://sts.amazonaws.com");
  auto bad = read_network_settings(files.model, "p", fake_env({{"AWS_MAX_ATTEMPTS", "three"}}), {});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("AWS_MAX_ATTEMPTS"), std::string::npos);
}

TEST(TestProfile, ResolvesThenCallsGetCallerIdentityAtTheSameEndpoint) {
  Files files(kChainConfig, "");
  MemoryFileSystem disk;
  CannedTransport transport;
  transport.add(200, assume_role_xml("ASIAONE", "arn:aws:sts::123456789012:assumed-role/one/s1", kFarFuture));
  transport.add(
      200,
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/"
      "one/s1</Arn><UserId>AROA:s1</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
      "</GetCallerIdentityResponse>");
  ProfileRunOptions options;
  options.fs = &disk;
  options.env = fake_env({{"HOME", "/h"}});
  options.overrides.endpoint_url = "http://127.0.0.1:9";
  options.transport = &transport;
  ProfileTest got = test_profile(files.model, {"hop1", ProfileSource::flag}, options);
  ASSERT_TRUE(got.ok()) << got.error->message;
  EXPECT_EQ(got.identity->arn, "arn:aws:sts::123456789012:assumed-role/one/s1");
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[1].origin, "http://127.0.0.1:9");
  EXPECT_NE(header(transport.sent[1].request, "Authorization").find("Credential=ASIAONE/"),
            std::string::npos);

  ProfileTest missing = test_profile(files.model, {"nope", ProfileSource::flag}, options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error->code, "ConfigError");
}

// ---------------------------------------------------------------------------------------------
// The smithy-rs provider-chain cases with recorded HTTP traffic

const fs::path kSuiteDir = fs::path(AWSPROF_SHARED_DIR) / "peer-tests" / "provider-chain";

/// The recorded exchanges, in order: each request's method and URI, and the response.
class ReplayTransport final : public HttpTransport {
 public:
  explicit ReplayTransport(const json& traffic) {
    for (const json& event : traffic["events"]) {
      const json& action = event["action"];
      if (action.contains("Request")) {
        const json& r = action["Request"]["request"];
        exchanges_.push_back({r.value("method", ""), r.value("uri", ""), {}});
      } else if (action.contains("Response") && !exchanges_.empty()) {
        const json& ok = action["Response"]["response"];
        if (!ok.contains("Ok")) continue;
        exchanges_.back().response.status = ok["Ok"]["status"].get<int>();
        for (const auto& [name, values] : ok["Ok"]["headers"].items())
          for (const json& v : values)
            if (v.is_string()) exchanges_.back().response.headers.emplace_back(name, v.get<std::string>());
      } else if (action.contains("Data") && action["Data"]["direction"] == "Response" &&
                 !exchanges_.empty()) {
        const json& data = action["Data"]["data"];
        if (data.contains("Utf8")) exchanges_.back().response.body += data["Utf8"].get<std::string>();
      }
    }
  }
  Result<HttpResponse> send(std::string_view origin, const HttpRequest& request) override {
    const std::string got = request.method + " " + std::string(origin) + request.path;
    if (next_ >= exchanges_.size()) {
      mismatches.push_back("unexpected " + got);
      return Result<HttpResponse>::error("no more recorded traffic");
    }
    const Exchange& e = exchanges_[next_++];
    // The recording's URI may omit the path ("https://host"), and its query order is the SDK's.
    std::string want = e.method + " " + e.uri;
    auto strip_query = [](std::string s) { return s.substr(0, s.find('?')); };
    auto normal = [&](std::string s) {
      s = strip_query(s);
      if (s.size() > 8 && s.find('/', s.find("//") + 2) == std::string::npos) s += "/";
      return s;
    };
    if (normal(want) != normal(got)) mismatches.push_back("sent " + got + ", recorded " + want);
    if (e.response.status == 0) return Result<HttpResponse>::error("recorded connection failure");
    return e.response;
  }
  std::size_t unused() const { return exchanges_.size() - next_; }
  std::vector<std::string> mismatches;

 private:
  struct Exchange {
    std::string method;
    std::string uri;
    HttpResponse response;
  };
  std::vector<Exchange> exchanges_;
  std::size_t next_ = 0;
};

class RootedFileSystem final : public FileSystem {
 public:
  explicit RootedFileSystem(fs::path root) : root_(std::move(root)) {}
  Result<FileContent> read_file(const std::string& path) const override {
    if (auto it = written_.find(path); it != written_.end()) return FileContent{true, it->second};
    return real_.read_file((root_ / fs::path(path).relative_path()).string());
  }
  Status write_file_atomic(const std::string& path, std::string_view bytes) override {
    written_[path] = std::string(bytes);
    return Status();
  }

 private:
  fs::path root_;
  RealFileSystem real_;
  std::map<std::string, std::string> written_;
};

/// Cases where awsprof follows botocore (the AWS CLI), not the Rust SDK that recorded the traffic.
const std::map<std::string, std::string> kKnownDifferences = {
    {"default-credential-provider-chain/imds_default_chain_retries",
     "botocore makes metadata_service_num_attempts (default 1) attempts; the Rust SDK retries a 503"},
    {"default-credential-provider-chain/imds_token_fail",
     "botocore falls back to IMDSv1 when the token PUT answers 403 (the recording has no v1 request); "
     "both end in an error"},
    {"default-credential-provider-chain/sso_server_error",
     "botocore's sso client retries a 5xx (standard mode, 3 attempts); the recording has one attempt; "
     "both end in an error"},
};

struct ReplayTally {
  int pass = 0, fail = 0, known = 0;
};

void run_replay_suite(const std::string& suite, bool profile_provider_only, ReplayTally& tally) {
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(kSuiteDir / suite)) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    const json traffic = json::parse(read_text(folder / "http-traffic.json"));
    if (traffic["events"].empty()) continue;
    const std::string id = suite + "/" + folder.filename().string();
    const json test = json::parse(read_text(folder / "test-case.json"));
    std::map<std::string, std::string> vars;
    const json env_json = json::parse(read_text(folder / "env.json"));
    for (const auto& [k, v] : env_json.items())
      if (v.is_string()) vars[k] = v.get<std::string>();
    EnvLookup env = fake_env(vars);
    RootedFileSystem disk(folder / "fs");
    auto config = disk.read_file(config_file_path(env));
    auto credentials = disk.read_file(credentials_file_path(env));
    Document config_doc = Document::parse(config ? config->bytes : "");
    Document credentials_doc = Document::parse(credentials ? credentials->bytes : "");
    ProfileModel model = build_profile_model(
        {config_file_path(env), config && config->exists ? &config_doc : nullptr},
        {credentials_file_path(env), credentials && credentials->exists ? &credentials_doc : nullptr},
        Dialect::cli);
    ReplayTransport transport(traffic);
    ProfileRunOptions options;
    options.fs = &disk;
    options.env = env;
    options.transport = &transport;
    options.metadata_transport = &transport;
    options.timeout = std::chrono::seconds(20);
    SelectedProfile selected = select_profile(env);
    // The profile provider alone: as for a profile named on the command line, environment keys do not count.
    if (profile_provider_only) selected.source = ProfileSource::flag;
    ProfileCredentials got = resolve_profile(model, selected, options);
    const json& result = test["result"];
    bool ok = false;
    std::string detail;
    if (result.contains("ErrorContains")) {
      ok = !got.credentials.has_value();
      detail = got.credentials ? "got credentials" : "error " + got.error->code + ": " + got.error->message;
    } else {
      const json& want = result["Ok"];
      ok = got.credentials && got.credentials->credentials.access_key_id == want["access_key_id"] &&
           got.credentials->credentials.secret_access_key == want["secret_access_key"] &&
           got.credentials->credentials.session_token ==
               (want.contains("session_token") && want["session_token"].is_string()
                    ? want["session_token"].get<std::string>()
                    : std::string());
      detail = got.credentials ? "got " + got.credentials->credentials.access_key_id
                               : "error " + got.error->code + ": " + got.error->message;
    }
    for (const std::string& m : transport.mismatches) detail += "; " + m;
    if (ok && !transport.mismatches.empty()) ok = false;
    if (ok) {
      ++tally.pass;
    } else if (kKnownDifferences.count(id)) {
      ++tally.known;
      std::cout << "  known difference " << id << ": " << kKnownDifferences.at(id) << " (" << detail << ")\n";
    } else {
      ++tally.fail;
      ADD_FAILURE() << id << ": " << detail;
    }
  }
}

TEST(ProviderChainReplay, RecordedTrafficCases) {
  for (const std::string suite : {"default-credential-provider-chain", "profile-provider"}) {
    ReplayTally tally;
    run_replay_suite(suite, suite == "profile-provider", tally);
    std::cout << "[replay] " << suite << " (network cases): " << tally.pass << " passed, " << tally.known
              << " known differences, " << tally.fail << " failed\n";
  }
}

}  // namespace credential_resolver_test
}  // namespace awsprof
