#include "awsprof/model/config_query.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace config_query_test {

using Outcome = ConfigGetResult::Outcome;

class ConfigGet : public ::testing::Test {
 protected:
  Document config = Document::parse(
      "[default]\nregion = a\ns3 =\n  x = 1\n[plugins]\nfoo = bar\n[profile p]\nk = v\n[sso-session corp]\n"
      "sso_region = eu-west-1\n[services dev]\nsts =\n  endpoint_url = http://127.0.0.1:5000\n");
  Document credentials = Document::parse("[p]\naws_access_key_id = AKIDP\n");
  ProfileModel model = build_profile_model({"config", &config}, {"credentials", &credentials}, Dialect::cli);

  ConfigGetResult get(std::string_view name, std::optional<std::string> profile = std::nullopt) {
    return configure_get(model, name, profile);
  }
};

TEST(ConfigGetDialect, TheSdkDialectLooksKeysUpIgnoringCase) {
  Document config = Document::parse(
      "[profile dev]\nRegion = us-west-2\nS3 =\n  Addressing_Style = path\n[sso-session corp]\nSSO_Region = "
      "eu-west-1\n");
  Document credentials = Document::parse("");
  ProfileModel sdk = build_profile_model({"config", &config}, {"credentials", &credentials}, Dialect::sdk);
  EXPECT_EQ(configure_get(sdk, "REGION", "dev").value, "us-west-2");
  EXPECT_EQ(configure_get(sdk, "s3.ADDRESSING_STYLE", "dev").value, "path");
  EXPECT_EQ(configure_get(sdk, "profile.dev.Region", std::nullopt).value, "us-west-2");
  EXPECT_EQ(
      section_get(sdk.find_sso_session("corp"), "sso-session", "corp", "Sso_Region", Dialect::sdk).value,
      "eu-west-1");
  EXPECT_EQ(configure_get(sdk, "region", "DEV").outcome,
            Outcome::profile_not_found);  // names keep their case
  // The AWS CLI looks the name up as typed: `aws configure get REGION` finds nothing.
  ProfileModel cli = build_profile_model({"config", &config}, {"credentials", &credentials}, Dialect::cli);
  EXPECT_EQ(configure_get(cli, "region", "dev").value, "us-west-2");
  EXPECT_EQ(configure_get(cli, "REGION", "dev").outcome, Outcome::not_set);
}

TEST_F(ConfigGet, PlainKeysOfTheSelectedProfile) {
  EXPECT_EQ(get("region").value, "a");
  EXPECT_EQ(get("k", "p").value, "v");
  EXPECT_EQ(get("aws_access_key_id", "p").value, "AKIDP");
  EXPECT_EQ(get("aws_access_key_id", "p").source->file, FileKind::credentials);
  EXPECT_EQ(get("nothing").outcome, Outcome::not_set);
}

TEST_F(ConfigGet, MissingProfileIsAnErrorOnlyWhenNamed) {
  auto named = get("region", "nope");
  EXPECT_EQ(named.outcome, Outcome::profile_not_found);
  EXPECT_EQ(named.message, "The config profile (nope) could not be found");
  Document empty = Document::parse("");
  ProfileModel no_default = build_profile_model({"c", &empty}, {"d", &empty}, Dialect::cli);
  EXPECT_EQ(configure_get(no_default, "region", std::nullopt).outcome, Outcome::not_set);
  EXPECT_EQ(configure_get(no_default, "region", "default").outcome, Outcome::profile_not_found);
}

TEST_F(ConfigGet, DottedForms) {
  EXPECT_EQ(get("s3.x").value, "1");
  EXPECT_EQ(get("s3.y").outcome, Outcome::not_set);
  EXPECT_EQ(get("default.s3.x").value, "1");
  EXPECT_EQ(get("profile.p.k").value, "v");
  EXPECT_EQ(get("p.k").value, "v");
  EXPECT_EQ(get("profile.p.k.z").outcome, Outcome::not_set);
  EXPECT_EQ(get("region.x").outcome, Outcome::not_set);
  EXPECT_EQ(get("profile.x").outcome, Outcome::bad_name);
}

TEST_F(ConfigGet, BlocksAreNotValues) {
  auto s3 = get("s3");
  EXPECT_EQ(s3.outcome, Outcome::not_a_value);
  EXPECT_EQ(s3.message, "varname (s3) must reference a value, not a section or sub-section.");
  EXPECT_EQ(get("default.s3.x.y").outcome, Outcome::not_a_value);
}

TEST_F(ConfigGet, PredefinedSectionsMatchAnySubstringOfPlugins) {
  EXPECT_EQ(get("plugins.foo").value, "bar");
  EXPECT_EQ(get("s.foo").outcome, Outcome::not_set);
}

TEST_F(ConfigGet, PluginPathIsConsumedByTheCliBeforeGetLooks) {
  Document plugins =
      Document::parse("[plugins]\ncli_legacy_plugin_path = /opt/p\n[profile plugins]\nk = v\n");
  Document none = Document::parse("");
  ProfileModel m = build_profile_model({"config", &plugins}, {"credentials", &none}, Dialect::cli);
  EXPECT_EQ(configure_get(m, "plugins.cli_legacy_plugin_path", std::nullopt).outcome, Outcome::not_set);
  EXPECT_EQ(configure_get(m, "plugins.k", std::nullopt).value, "v")
      << "falls back to the profile named plugins";
}

TEST_F(ConfigGet, SsoSessionAndServicesSections) {
  EXPECT_EQ(section_get(model.find_sso_session("corp"), "sso-session", "corp", "sso_region").value,
            "eu-west-1");
  EXPECT_EQ(section_get(model.find_services("dev"), "services", "dev", "sts.endpoint_url").value,
            "http://127.0.0.1:5000");
  EXPECT_EQ(section_get(model.find_services("nope"), "services", "nope", "x").outcome,
            Outcome::profile_not_found);
}

}  // namespace config_query_test
}  // namespace awsprof
