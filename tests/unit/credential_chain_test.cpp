// plan_credentials, resolve_offline and profile_kind: inline cases, then the smithy-rs provider-chain
// suites from ../shared/peer-tests/provider-chain (the ones that need no network), with the
// deliberate differences listed in tests/conformance/provider-chain-exceptions.txt.
#include "awsprof/credentials/credential_chain.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "awsprof/credentials/credential_cache.hpp"
#include "awsprof/support/secrets.hpp"
#include "test_support.hpp"

namespace awsprof {
namespace credential_chain_test {

namespace fs = std::filesystem;
using nlohmann::json;

struct Files {
  Document config;
  Document credentials;
  ProfileModel model() const {
    return build_profile_model({"config", &config}, {"credentials", &credentials}, Dialect::cli);
  }
};

ProfileModel model_of(std::string config, std::string credentials = "") {
  Files f{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
  return f.model();
}

SelectedProfile via_env(std::string name) {
  return SelectedProfile{std::move(name), ProfileSource::env_aws_profile};
}
SelectedProfile via_flag(std::string name) {
  return SelectedProfile{std::move(name), ProfileSource::flag};
}

std::string reason_of(const CredentialPlan& plan, CredentialMethod method) {
  for (const SkippedProvider& s : plan.skipped)
    if (s.method == method) return s.reason;
  return "<not skipped>";
}

// ---------------------------------------------------------------------------------------------
// Inline cases

TEST(CredentialChain, EnvironmentKeysWinUnlessProfileNamedWithFlag) {
  ProfileModel model =
      model_of("[profile p]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n");
  auto env = fake_env({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                       {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                       {"AWS_SESSION_TOKEN", "tok"}});
  auto by_env = plan_credentials(model, via_env("p"), env);
  ASSERT_TRUE(by_env) << by_env.message();
  EXPECT_EQ(method_name(by_env->method), "env");
  EXPECT_EQ(std::get<StaticKeysStep>(by_env->steps.at(0)).credentials.session_token, "tok");

  auto by_flag = plan_credentials(model, via_flag("p"), env);
  ASSERT_TRUE(by_flag) << by_flag.message();
  EXPECT_EQ(method_name(by_flag->method), "config-file");
  EXPECT_NE(reason_of(*by_flag, CredentialMethod::env).find("--profile"), std::string::npos);
  EXPECT_EQ(std::get<StaticKeysStep>(by_flag->steps.at(0)).credentials.access_key_id, "AKIDFILE");
}

TEST(CredentialChain, SecurityTokenBeatsSessionTokenInEnvironment) {
  auto plan = plan_credentials(model_of(""), via_env("default"),
                               fake_env({{"AWS_ACCESS_KEY_ID", "a"},
                                         {"AWS_SECRET_ACCESS_KEY", "s"},
                                         {"AWS_SECURITY_TOKEN", "old"},
                                         {"AWS_SESSION_TOKEN", "new"}}));
  ASSERT_TRUE(plan);
  EXPECT_EQ(std::get<StaticKeysStep>(plan->steps.at(0)).credentials.session_token, "old");
}

TEST(CredentialChain, PartialEnvironmentKeysAreAnErrorWithoutTheSecret) {
  auto plan =
      plan_credentials(model_of(""), via_env("default"), fake_env({{"AWS_ACCESS_KEY_ID", "AKIDSECRETISH"}}));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  EXPECT_EQ(plan.message().find("AKIDSECRETISH"), std::string::npos);
}

TEST(CredentialChain, CredentialsFileBeatsProcessBeatsConfigFile) {
  ProfileModel model = model_of(
      "[profile p]\ncredential_process = /bin/creds\naws_access_key_id = CFG\n"
      "aws_secret_access_key = cfgsecret\n",
      "[p]\naws_access_key_id = CRED\naws_secret_access_key = credsecret\n");
  auto plan = plan_credentials(model, via_flag("p"), fake_env({}));
  ASSERT_TRUE(plan) << plan.message();
  EXPECT_EQ(method_name(plan->method), "shared-credentials-file");
  auto process_first =
      plan_credentials(model_of("[profile p]\ncredential_process = /bin/creds\naws_access_key_id = "
                                "CFG\naws_secret_access_key = x\n"),
                       via_flag("p"), fake_env({}));
  ASSERT_TRUE(process_first);
  EXPECT_EQ(method_name(process_first->method), "custom-process");
  EXPECT_EQ(std::get<ProcessStep>(process_first->steps.at(0)).command, "/bin/creds");
}

TEST(CredentialChain, SecretOnlyInConfigIsPartialForCredentialsFile) {
  ProfileModel model =
      model_of("[profile p]\naws_secret_access_key = cfgsecret\n", "[p]\naws_access_key_id = A\n");
  auto plan = plan_credentials(model, via_flag("p"), fake_env({}));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.message().find("credentials file"), std::string::npos);
  EXPECT_EQ(plan.message().find("cfgsecret"), std::string::npos);
}

TEST(CredentialChain, AssumeRoleHopsCarryAllArguments) {
  ProfileModel model = model_of(
      "[profile top]\nrole_arn = arn:aws:iam::1:role/Top\nsource_profile = mid\nexternal_id = ext\n"
      "role_session_name = sess\nduration_seconds = 1800\nmfa_serial = arn:aws:iam::1:mfa/me\n"
      "[profile mid]\nrole_arn = arn:aws:iam::1:role/Mid\nsource_profile = base\nduration_seconds = soon\n"
      "[profile base]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
  auto plan = plan_credentials(model, via_env("top"), fake_env({}));
  ASSERT_TRUE(plan) << plan.message();
  EXPECT_EQ(method_name(plan->method), "assume-role");
  ASSERT_EQ(plan->steps.size(), 3u);
  const auto& mid = std::get<AssumeRoleStep>(plan->steps[1]);
  EXPECT_EQ(mid.role_arn, "arn:aws:iam::1:role/Mid");
  EXPECT_FALSE(mid.duration_seconds);
  const auto& top = std::get<AssumeRoleStep>(plan->steps[2]);
  EXPECT_EQ(top.external_id, "ext");
  EXPECT_EQ(top.role_session_name, "sess");
  EXPECT_EQ(top.duration_seconds, 1800);
  EXPECT_EQ(top.mfa_serial, "arn:aws:iam::1:mfa/me");
  EXPECT_EQ(top.source_profile, "mid");
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("duration_seconds"), std::string::npos);
}

TEST(CredentialChain, LoopErrorNamesTheWholeCycle) {
  ProfileModel model = model_of(
      "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = c\n"
      "[profile c]\nrole_arn = r\nsource_profile = b\n");
  auto plan = plan_credentials(model, via_env("a"), fake_env({}));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.message().find("a -> b -> c -> b"), std::string::npos) << plan.message();
}

TEST(CredentialChain, SelfReferenceNeedsStaticKeys) {
  auto ok = plan_credentials(model_of("[profile a]\nrole_arn = r\nsource_profile = a\naws_access_key_id = "
                                      "k\naws_secret_access_key = s\n"),
                             via_env("a"), fake_env({}));
  ASSERT_TRUE(ok) << ok.message();
  EXPECT_EQ(ok->steps.size(), 2u);
  auto loop = plan_credentials(model_of("[profile a]\nrole_arn = r\nsource_profile = a\n"), via_env("a"),
                               fake_env({}));
  ASSERT_FALSE(loop);
  EXPECT_NE(loop.message().find("a -> a"), std::string::npos) << loop.message();
}

TEST(CredentialChain, CredentialSourceIsCheckedExactlyAndResolved) {
  auto bad = plan_credentials(model_of("[profile a]\nrole_arn = r\ncredential_source = environment\n"),
                              via_env("a"), fake_env({}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("not valid"), std::string::npos);
  // Environment as a source is used even when --profile turned the env provider off.
  auto env =
      plan_credentials(model_of("[profile a]\nrole_arn = r\ncredential_source = Environment\n"),
                       via_flag("a"), fake_env({{"AWS_ACCESS_KEY_ID", "k"}, {"AWS_SECRET_ACCESS_KEY", "s"}}));
  ASSERT_TRUE(env) << env.message();
  const auto& named = std::get<NamedSourceStep>(env->steps.at(0));
  ASSERT_TRUE(named.environment);
  EXPECT_EQ(named.environment->credentials.access_key_id, "k");
  auto ecs =
      plan_credentials(model_of("[profile a]\nrole_arn = r\ncredential_source = EcsContainer\n"),
                       via_env("a"), fake_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"}}));
  ASSERT_TRUE(ecs) << ecs.message();
  EXPECT_EQ(std::get<NamedSourceStep>(ecs->steps.at(0)).container->uri, "http://169.254.170.2/v2/creds");
}

TEST(CredentialChain, WebIdentityFromEnvironmentOnlyWithoutFlag) {
  ProfileModel model = model_of("[profile p]\nregion = eu-west-1\n");
  auto env = fake_env({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"},
                       {"AWS_ROLE_ARN", "arn:r"},
                       {"AWS_EC2_METADATA_DISABLED", "TRUE"}});
  auto plan = plan_credentials(model, via_env("p"), env);
  ASSERT_TRUE(plan) << plan.message();
  EXPECT_EQ(method_name(plan->method), "assume-role-with-web-identity");
  EXPECT_TRUE(std::get<WebIdentityStep>(plan->steps.at(0)).token_file_from_env);
  auto flagged = plan_credentials(model, via_flag("p"), env);
  ASSERT_FALSE(flagged);
  EXPECT_NE(flagged.message().find("unable to locate credentials"), std::string::npos);
}

TEST(CredentialChain, SsoSessionMergesAndChecksConsistency) {
  std::string session = "[sso-session corp]\nsso_start_url = https://corp/start\nsso_region = us-east-1\n";
  auto ok = plan_credentials(
      model_of("[profile p]\nsso_session = corp\nsso_account_id = 111\nsso_role_name = Admin\n" + session),
      via_env("p"), fake_env({}));
  ASSERT_TRUE(ok) << ok.message();
  const auto& sso = std::get<SsoStep>(ok->steps.at(0));
  EXPECT_EQ(sso.sso_start_url, "https://corp/start");
  EXPECT_EQ(sso.sso_session, "corp");
  auto clash = plan_credentials(
      model_of(
          "[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = A\nsso_region = eu-west-1\n" +
          session),
      via_env("p"), fake_env({}));
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.message().find("sso_region"), std::string::npos);
  auto missing = plan_credentials(model_of("[profile p]\nsso_account_id = 1\nsso_region = x\n"), via_env("p"),
                                  fake_env({}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find("sso_role_name, sso_start_url"), std::string::npos) << missing.message();
}

TEST(CredentialChain, FallsThroughToContainerThenInstanceMetadata) {
  auto imds = plan_credentials(model_of("[default]\nregion = x\n"), via_env("default"), fake_env({}));
  ASSERT_TRUE(imds);
  EXPECT_EQ(method_name(imds->method), "iam-role");
  EXPECT_EQ(imds->skipped.size(), 11u);  // every provider before it, login (botocore 1.43) included
  auto container = plan_credentials(model_of(""), via_env("default"),
                                    fake_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c"},
                                              {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"}}));
  ASSERT_TRUE(container);
  EXPECT_EQ(method_name(container->method), "container-role");
  EXPECT_TRUE(std::get<ContainerStep>(container->steps.at(0)).has_authorization_token);
}

TEST(CredentialChain, LoginSessionComesAfterTheCredentialsFileAndBeforeCredentialProcess) {
  // botocore 1.43 ProfileProviderBuilder: web identity, sso, shared-credentials-file, login,
  // custom-process, config-file.
  auto login = plan_credentials(model_of("[profile p]\nlogin_session = me\ncredential_process = x\n"),
                                via_env("p"), fake_env({}));
  ASSERT_TRUE(login) << login.message();
  EXPECT_EQ(method_name(login->method), "login");
  EXPECT_EQ(std::get<LoginStep>(login->steps.at(0)).session, "me");
  auto keys = plan_credentials(model_of("[profile p]\nlogin_session = me\n"), via_env("p"),
                               fake_env({}));
  ASSERT_TRUE(keys);
  EXPECT_EQ(method_name(keys->method), "login");
  auto role = plan_credentials(
      model_of("[profile r]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = p\n[profile p]\nlogin_session = me\n"),
      via_env("r"), fake_env({}));
  ASSERT_TRUE(role) << role.message();  // a login session is a source profile too
  EXPECT_TRUE(std::holds_alternative<LoginStep>(role->steps.at(0)));
  EXPECT_TRUE(std::holds_alternative<AssumeRoleStep>(role->steps.at(1)));
}

TEST(CredentialChain, MissingNamedProfileIsAnError) {
  auto plan = plan_credentials(model_of("[default]\n"), via_env("nope"), fake_env({}));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.message().find("\"nope\""), std::string::npos);
}

TEST(CredentialChain, NoSecretInAnyMessage) {
  const std::string secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY";
  std::vector<std::string> configs = {
      "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\naws_secret_access_key = " + secret + "\n",
      "[profile a]\naws_access_key_id = k\n[profile b]\naws_secret_access_key = " + secret + "\n",
      "[profile a]\nrole_arn = r\nsource_profile = a\naws_session_token = " + secret + "\n",
  };
  for (const std::string& config : configs) {
    auto plan =
        plan_credentials(model_of(config), via_env("a"), fake_env({{"AWS_EC2_METADATA_DISABLED", "true"}}));
    ASSERT_FALSE(plan) << config;
    EXPECT_EQ(plan.message().find(secret), std::string::npos) << plan.message();
  }
}

TEST(ProfileKind, FollowsTheChainOrder) {
  ProfileModel model = model_of(
      "[profile web]\nrole_arn = r\nweb_identity_token_file = /t\n[profile "
      "webnoarn]\nweb_identity_token_file = /t\n"
      "[profile role]\nrole_arn = r\naws_access_key_id = k\n[profile sso]\nsso_role_name = "
      "x\naws_access_key_id = k\n"
      "[profile token]\nsso_session = s\n[profile keys]\naws_access_key_id = k\ncredential_process = c\n"
      "[profile proc]\ncredential_process = c\n[profile plain]\nregion = x\n");
  std::map<std::string, std::string> expected = {{"web", "web-identity"},  {"webnoarn", "web-identity"},
                                                 {"role", "assume-role"},  {"sso", "sso"},
                                                 {"token", "config-only"}, {"keys", "static"},
                                                 {"proc", "process"},      {"plain", "config-only"}};
  for (const auto& [name, kind] : expected) EXPECT_EQ(profile_kind(*model.find_profile(name)), kind) << name;
}

// ---------------------------------------------------------------------------------------------
// resolve_offline

TEST(ResolveOffline, RoleNeedsStsUntilTheCacheHasIt) {
  ProfileModel model = model_of(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
      "[profile b]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
  auto plan = plan_credentials(model, via_env("a"), fake_env({}));
  ASSERT_TRUE(plan) << plan.message();
  MemoryFileSystem disk;
  OfflineContext context;
  context.fs = &disk;
  context.env = fake_env({{"HOME", "/h"}});
  auto first = resolve_offline(*plan, context);
  ASSERT_TRUE(first) << first.message();
  EXPECT_FALSE(first->credentials);
  EXPECT_EQ(first->network_step, 1u);
  EXPECT_EQ(first->network_call, "sts:AssumeRole");
  ASSERT_TRUE(first->source_credentials);
  EXPECT_EQ(first->source_credentials->credentials.access_key_id, "AKID");

  const std::string key = assume_role_cache_key(std::get<AssumeRoleStep>(plan->steps[1]));
  ASSERT_TRUE(write_cached_credentials(disk, "/h/.aws/cli/cache", key,
                                       {{"ASIACACHED", "cs", "ct"}, context.now + std::chrono::hours(1)}));
  auto second = resolve_offline(*plan, context);
  ASSERT_TRUE(second) << second.message();
  ASSERT_TRUE(second->credentials);
  EXPECT_EQ(second->credentials->credentials.access_key_id, "ASIACACHED");
  EXPECT_NE(second->credentials->source.find(key), std::string::npos);
}

TEST(ResolveOffline, ExpiredEnvironmentCredentialsAreAnError) {
  auto plan = plan_credentials(model_of(""), via_env("default"),
                               fake_env({{"AWS_ACCESS_KEY_ID", "a"},
                                         {"AWS_SECRET_ACCESS_KEY", "s"},
                                         {"AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"}}));
  ASSERT_TRUE(plan) << plan.message();
  MemoryFileSystem disk;
  OfflineContext context;
  context.fs = &disk;
  context.env = fake_env({});
  auto got = resolve_offline(*plan, context);
  ASSERT_FALSE(got);
  EXPECT_NE(got.message().find("expired"), std::string::npos);
}

TEST(ResolveOffline, SsoNeedsATokenThenTheNetwork) {
  auto plan = plan_credentials(model_of("[profile p]\nsso_start_url = https://s/start\nsso_region = "
                                        "r\nsso_account_id = 1\nsso_role_name = A\n"),
                               via_env("p"), fake_env({}));
  ASSERT_TRUE(plan);
  MemoryFileSystem disk;
  OfflineContext context;
  context.fs = &disk;
  context.env = fake_env({{"HOME", "/h"}});
  auto missing = resolve_offline(*plan, context);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find("aws sso login"), std::string::npos);
  const auto& sso = std::get<SsoStep>(plan->steps[0]);
  disk.put("/h/.aws/sso/cache/" + sso_token_cache_key(sso) + ".json",
           R"({"accessToken": "t", "expiresAt": "2999-01-01T00:00:00Z"})");
  auto ready = resolve_offline(*plan, context);
  ASSERT_TRUE(ready) << ready.message();
  EXPECT_EQ(ready->network_call, "sso:GetRoleCredentials");
}

// ---------------------------------------------------------------------------------------------
// The smithy-rs provider-chain suites

const fs::path kSuiteDir = fs::path(AWSPROF_SHARED_DIR) / "peer-tests" / "provider-chain";

// tests/conformance/provider-chain-exceptions.txt: "<suite>/<case> | deviation|note | reason".
struct Exception {
  std::string kind;
  std::string reason;
};

std::map<std::string, Exception> load_exceptions() {
  std::map<std::string, Exception> out;
  std::istringstream in(
      read_text(fs::path(AWSPROF_SOURCE_DIR) / "tests/conformance/provider-chain-exceptions.txt"));
  std::string line;
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto a = line.find('|');
    const auto b = line.find('|', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    out[trim(line.substr(0, a))] = Exception{trim(line.substr(a + 1, b - a - 1)), trim(line.substr(b + 1))};
  }
  return out;
}

struct Tally {
  std::string suite;
  int total = 0, pass = 0, excepted = 0, fail = 0;
  std::vector<std::string> messages;
  void report() const {
    std::cout << "[provider-chain] " << suite << ": " << pass << "/" << total << " pass, " << excepted
              << " excepted (deviation), " << fail << " fail\n";
    for (const std::string& m : messages) std::cout << "    " << m << "\n";
  }
};

// Records one case. `ok` = our result matches; `detail` says how it differs.
void record(Tally& tally, const std::map<std::string, Exception>& exceptions, const std::string& id, bool ok,
            const std::string& detail, const std::string& expected_error, const std::string& our_error) {
  ++tally.total;
  auto it = exceptions.find(id);
  const bool deviation = it != exceptions.end() && it->second.kind == "deviation";
  if (ok && !deviation) {
    ++tally.pass;
    if (!expected_error.empty() && our_error.find(expected_error) == std::string::npos)
      tally.messages.push_back(id + ": error as expected; message lacks \"" + expected_error +
                               "\"; ours: " + our_error);
    if (it != exceptions.end()) tally.messages.push_back(id + ": note: " + it->second.reason);
    return;
  }
  if (!ok && deviation) {
    ++tally.excepted;
    tally.messages.push_back(id + ": EXCEPTED: " + it->second.reason + " [" + detail + "]");
    return;
  }
  ++tally.fail;
  ADD_FAILURE() << id << ": "
                << (ok ? "listed as a deviation but now matches; remove the exception" : detail);
}

json rust_step(const CredentialStep& step) {
  if (auto* k = std::get_if<StaticKeysStep>(&step)) {
    json j = {{"access_key_id", k->credentials.access_key_id},
              {"secret_access_key", k->credentials.secret_access_key}};
    if (!k->account_id.empty()) j["account_id"] = k->account_id;
    return {{"AccessKey", j}};
  }
  if (auto* n = std::get_if<NamedSourceStep>(&step)) return {{"NamedSource", n->source}};
  if (auto* w = std::get_if<WebIdentityStep>(&step)) {
    json j = {{"role_arn", w->role_arn}, {"web_identity_token_file", w->web_identity_token_file}};
    if (w->role_session_name) j["role_session_name"] = *w->role_session_name;
    return {{"WebIdentityToken", j}};
  }
  if (auto* s = std::get_if<SsoStep>(&step)) {
    json j = {{"sso_start_url", s->sso_start_url},
              {"sso_region", s->sso_region},
              {"sso_account_id", s->sso_account_id},
              {"sso_role_name", s->sso_role_name}};
    if (s->sso_session) j["sso_session"] = *s->sso_session;
    return {{"Sso", j}};
  }
  if (auto* a = std::get_if<AssumeRoleStep>(&step)) {
    json j = {{"role_arn", a->role_arn}};
    if (a->external_id) j["external_id"] = *a->external_id;
    if (a->role_session_name) j["role_session_name"] = *a->role_session_name;
    return {{"AssumeRole", j}};
  }
  return {{"Other", "process, container or imds"}};
}

// The assume-role and profile-provider suites test the profile provider alone, which fails where
// the CLI's chain goes on past the profile (to the legacy files, container or instance metadata).
// Such a plan counts as "the profile gives no credentials".
bool from_profile(const CredentialPlan& plan) {
  switch (plan.method) {
    case CredentialMethod::ec2_credentials_file:
    case CredentialMethod::boto_config:
    case CredentialMethod::container_role:
    case CredentialMethod::iam_role:
      return false;
    default:
      return true;
  }
}

std::string fell_through(const CredentialPlan& plan) {
  std::string out = "the profile gives no credentials (the CLI would go on to " +
                    std::string(method_name(plan.method)) + ")";
  for (const SkippedProvider& s : plan.skipped)
    if (s.method != CredentialMethod::env && s.method != CredentialMethod::ec2_credentials_file &&
        s.method != CredentialMethod::boto_config && s.method != CredentialMethod::container_role)
      out += "; " + std::string(method_name(s.method)) + ": " + s.reason;
  return out;
}

TEST(ProviderChainSuite, AssumeRoleTests) {
  const auto exceptions = load_exceptions();
  std::cout << "[provider-chain] exceptions file:\n";
  for (const auto& [id, e] : exceptions)
    std::cout << "    " << id << " (" << e.kind << "): " << e.reason << "\n";
  const json cases = json::parse(read_text(kSuiteDir / "assume-role-tests.json"));
  ASSERT_EQ(cases.size(), 28u);
  Tally tally;
  tally.suite = "assume-role-tests.json";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const json& c = cases[i];
    // The profiles as a config file, read by the cli dialect.
    std::string config;
    for (const auto& [name, keys] : c["input"]["profiles"].items()) {
      config += "[profile " + name + "]\n";
      for (const auto& [k, v] : keys.items()) config += k + " = " + v.get<std::string>() + "\n";
    }
    if (c["input"].contains("sso_sessions"))
      for (const auto& [name, keys] : c["input"]["sso_sessions"].items()) {
        config += "[sso-session " + name + "]\n";
        for (const auto& [k, v] : keys.items()) config += k + " = " + v.get<std::string>() + "\n";
      }
    // An empty environment: the suite exercises the profile provider alone.
    auto plan = plan_credentials(model_of(config), via_env(c["input"]["selected_profile"]), fake_env({}));
    const std::string id = "assume-role/" + std::to_string(i) + " (" + c["docs"].get<std::string>() + ")";
    const json& output = c["output"];
    const bool profile_failed = !plan || !from_profile(*plan);
    if (output.contains("Error")) {
      record(tally, exceptions, id, profile_failed,
             plan ? "planned " + std::string(method_name(plan->method)) : "", output["Error"],
             !plan ? plan.message() : fell_through(*plan));
    } else {
      json ours = json::array();
      if (plan)
        for (const CredentialStep& step : plan->steps) ours.push_back(rust_step(step));
      const bool ok = !profile_failed && ours == output["ProfileChain"];
      record(tally, exceptions, id, ok,
             !plan            ? "error: " + plan.message()
             : profile_failed ? fell_through(*plan)
                              : "ours: " + ours.dump(),
             "", "");
    }
  }
  tally.report();
  EXPECT_EQ(tally.fail, 0);
}

// The disk of a case folder: fs/ is mounted at "/".
class RootedFileSystem final : public FileSystem {
 public:
  explicit RootedFileSystem(fs::path root) : root_(std::move(root)) {}
  Result<FileContent> read_file(const std::string& path) const override { return real_.read_file(map(path)); }
  Status write_file_atomic(const std::string&, std::string_view) override {
    return Status::error("read-only test disk");
  }
  std::string map(const std::string& path) const { return (root_ / fs::path(path).relative_path()).string(); }

 private:
  fs::path root_;
  RealFileSystem real_;
};

void run_folder_suite(const std::string& suite, bool profile_provider_only) {
  const auto exceptions = load_exceptions();
  Tally tally;
  tally.suite = suite + " (no-network cases)";
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(kSuiteDir / suite)) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    if (!json::parse(read_text(folder / "http-traffic.json"))["events"].empty()) continue;
    const json test = json::parse(read_text(folder / "test-case.json"));
    const std::string id = suite + "/" + folder.filename().string();
    std::map<std::string, std::string> vars;
    const json env_json = json::parse(read_text(folder / "env.json"));
    for (const auto& [k, v] : env_json.items()) vars[k] = v.get<std::string>();
    EnvLookup env = fake_env(vars);
    RootedFileSystem disk(folder / "fs");
    Result<FileContent> config = disk.read_file(config_file_path(env));
    Result<FileContent> credentials = disk.read_file(credentials_file_path(env));
    ASSERT_TRUE(config && credentials) << id;
    Document config_doc = Document::parse(config->bytes);
    Document credentials_doc = Document::parse(credentials->bytes);
    ProfileModel model = build_profile_model(
        {config_file_path(env), config->exists ? &config_doc : nullptr},
        {credentials_file_path(env), credentials->exists ? &credentials_doc : nullptr}, Dialect::cli);
    std::string error;
    std::optional<ResolvedCredentials> got;
    std::string needs;
    auto plan = plan_credentials(model, select_profile(env), env);
    if (!plan) {
      error = plan.message();
    } else if (profile_provider_only && !from_profile(*plan)) {
      error = fell_through(*plan);
    } else {
      OfflineContext context;
      context.fs = &disk;
      context.env = env;
      context.process.timeout = std::chrono::seconds(10);
      auto resolved = resolve_offline(*plan, context);
      if (!resolved)
        error = resolved.message();
      else if (resolved->credentials)
        got = resolved->credentials;
      else
        needs =
            std::string(method_name(plan->method)) + " needs the network (" + resolved->network_call + ")";
    }
    const json& result = test["result"];
    if (result.contains("ErrorContains")) {
      std::string detail = got ? "got credentials" : needs;
      record(tally, exceptions, id, !error.empty(), detail, result["ErrorContains"], error);
    } else {
      const json& want = result["Ok"];
      bool ok =
          got.has_value() && got->credentials.access_key_id == want["access_key_id"] &&
          got->credentials.secret_access_key == want["secret_access_key"] &&
          got->credentials.session_token == want.value("session_token", "") &&
          (!want.contains("account_id") || got->account_id == want["account_id"]) &&
          (!want.contains("expiry") ||
           (got->expiration &&
            std::chrono::duration_cast<std::chrono::seconds>(got->expiration->time_since_epoch()).count() ==
                want["expiry"].get<long long>()));
      std::string detail = !error.empty() ? "error: " + error
                           : got          ? "got access key " + got->credentials.access_key_id + ", secret " +
                                       mask_secret(got->credentials.secret_access_key)
                                 : needs;
      record(tally, exceptions, id, ok, detail, "", "");
    }
  }
  tally.report();
  EXPECT_EQ(tally.fail, 0);
}

TEST(ProviderChainSuite, DefaultCredentialProviderChain) {
  run_folder_suite("default-credential-provider-chain", false);
}

TEST(ProviderChainSuite, ProfileProvider) {
  run_folder_suite("profile-provider", true);
}

}  // namespace credential_chain_test
}  // namespace awsprof
