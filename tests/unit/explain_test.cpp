#include "awsprof/checks/explain.hpp"

#include <gtest/gtest.h>

#include <map>

namespace awsprof {
namespace explain_test {

struct Fixture {
  Document config, credentials;
  std::map<std::string, std::string> vars;
  ExplainInput input(SelectedProfile profile, std::vector<FlagValue> flags = {}) {
    ExplainInput in;
    in.config = {"/c", &config};
    in.credentials = {"/k", &credentials};
    in.profile = std::move(profile);
    in.env = [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    in.flags = std::move(flags);
    return in;
  }
};

TEST(Explain, OrdersFlagEnvCredentialsConfigDefault) {
  Fixture f{Document::parse("[profile dev]\nregion = from-config\noutput = text\n"),
            Document::parse("[dev]\nregion = from-credentials\n"),
            {{"AWS_REGION", "from-aws-region"}, {"AWS_DEFAULT_REGION", "from-default-region"}}};
  auto e = explain_profile(f.input({"dev", ProfileSource::flag}, {{"region", "--region", "from-flag"}}));
  ASSERT_TRUE(e) << e.message();
  const SettingExplanation* region = e->find("region");
  ASSERT_NE(region, nullptr);
  EXPECT_EQ(region->value, "from-flag");
  EXPECT_EQ(region->source.type, "manual");
  ASSERT_EQ(region->overridden.size(), 4u);
  EXPECT_EQ(region->overridden[0].source.location, "AWS_REGION");
  EXPECT_EQ(region->overridden[1].source.location, "AWS_DEFAULT_REGION");
  EXPECT_EQ(region->overridden[2].source.type, "shared-credentials-file");
  EXPECT_EQ(region->overridden[2].source.line, 2);
  EXPECT_EQ(region->overridden[3].source.type, "config-file");
  const SettingExplanation* output = e->find("output");
  ASSERT_NE(output, nullptr);
  EXPECT_EQ(output->overridden.back().source.type, "default");
  EXPECT_EQ(e->profile.source.type, "manual");
}

TEST(Explain, CredentialsFollowTheChainAndAreMasked) {
  Fixture f{
      Document::parse(
          "[profile dev]\naws_access_key_id = AKIACONFIG1111\naws_secret_access_key = configsecret2222\n"),
      Document::parse("[dev]\naws_access_key_id = AKIACREDS3333\naws_secret_access_key = credsecret4444\n"),
      {{"AWS_ACCESS_KEY_ID", "AKIAENV5555"}, {"AWS_SECRET_ACCESS_KEY", "envsecret6666"}}};
  // --profile: environment keys do not win.
  auto e = explain_profile(f.input({"dev", ProfileSource::flag}));
  ASSERT_TRUE(e);
  const SettingExplanation* key = e->find("aws_access_key_id");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->value, "****************3333");
  EXPECT_EQ(key->source.type, "shared-credentials-file");
  EXPECT_EQ(key->overridden.size(), 2u);
  EXPECT_EQ(e->credentials.method, CredentialMethod::shared_credentials_file);
  EXPECT_EQ(e->credentials.skipped.front().method, CredentialMethod::env);
  // AWS_PROFILE: they do.
  auto env = explain_profile(f.input({"dev", ProfileSource::env_aws_profile}));
  ASSERT_TRUE(env);
  EXPECT_EQ(env->find("aws_secret_access_key")->value, "****************6666");
  EXPECT_EQ(env->find("aws_secret_access_key")->source.location, "AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(env->profile.source.location, "AWS_PROFILE");
  for (const auto& s : env->settings) {
    EXPECT_EQ(s.value.find("secret"), std::string::npos);
    for (const auto& o : s.overridden) EXPECT_EQ(o.value.find("secret"), std::string::npos);
  }
}

TEST(Explain, SsoSessionSupplies) {
  Fixture f{Document::parse("[profile s]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n"
                            "[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n"),
            Document::parse(""),
            {}};
  auto e = explain_profile(f.input({"s", ProfileSource::flag}));
  ASSERT_TRUE(e);
  ASSERT_NE(e->find("sso_region"), nullptr);
  EXPECT_EQ(e->find("sso_region")->source.type, "sso-session");
  EXPECT_EQ(e->credentials.method, CredentialMethod::sso);
}

TEST(Explain, MissingProfileIsAnError) {
  Fixture f{Document::parse(""), Document::parse(""), {}};
  EXPECT_EQ(explain_profile(f.input({"nope", ProfileSource::flag})).message(),
            "the config profile \"nope\" could not be found");
  auto e = explain_profile(f.input({"default", ProfileSource::default_name}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->profile.source.type, "default");
}

TEST(Explain, OnlyAndDefaults) {
  Fixture f{Document::parse("[default]\nregion = r\n"), Document::parse(""), {}};
  auto in = f.input({"default", ProfileSource::default_name});
  in.only = {"retry_mode"};
  auto e = explain_profile(in);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->settings.size(), 1u);
  EXPECT_EQ(e->settings[0].source.type, "default");
  EXPECT_EQ(e->settings[0].value, "standard");
}

}  // namespace explain_test
}  // namespace awsprof
