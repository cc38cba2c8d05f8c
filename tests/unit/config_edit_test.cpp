#include "awsprof/edit/config_edit.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace {

ConfigFiles files(std::string config, std::string credentials = "") {
  return ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

TEST(ConfigEdit, CredentialKeysGoToTheCredentialsFile) {
  auto f = files("[default]\nregion = a\n");
  std::vector<SettingChange> changes{
      {"aws_access_key_id", "AKID"}, {"output", "json"}, {"s3.max_bandwidth", "10MB"}};
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::profile, "dev"}, changes));
  EXPECT_EQ(f.credentials.text(), "[dev]\naws_access_key_id = AKID\n");
  EXPECT_EQ(f.config.text(),
            "[default]\nregion = a\n\n[profile dev]\noutput = json\ns3 =\n    max_bandwidth = 10MB\n");
}

TEST(ConfigEdit, DefaultProfileEditsTheSectionTheCliReads) {
  auto f = files("[profile default]\nregion = a\n[default]\nregion = b\n");
  ASSERT_TRUE(apply_changes(f, {}, std::vector<SettingChange>{{"region", "c"}}));
  EXPECT_EQ(f.config.text(), "[profile default]\nregion = a\n[default]\nregion = c\n");
  auto g = files("");
  ASSERT_TRUE(apply_changes(g, {}, std::vector<SettingChange>{{"region", "c"}}));
  EXPECT_EQ(g.config.text(), "[default]\nregion = c\n");
}

TEST(ConfigEdit, SsoSessionAndServicesTargets) {
  auto f = files("");
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::sso_session, "corp"},
                            std::vector<SettingChange>{{"sso_region", "eu-west-1"}}));
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::services, "local"},
                            std::vector<SettingChange>{{"sts.endpoint_url", "http://x"}}));
  EXPECT_EQ(
      f.config.text(),
      "[sso-session corp]\nsso_region = eu-west-1\n\n[services local]\nsts =\n    endpoint_url = http://x\n");
  EXPECT_EQ(f.credentials.text(), "");
}

TEST(ConfigEdit, UnsetRemovesEmptiedSections) {
  auto f = files("[default]\nregion = a\n\n[profile dev]\noutput = json\n", "[dev]\naws_access_key_id = A\n");
  ASSERT_TRUE(apply_changes(
      f, {EditTarget::Kind::profile, "dev"},
      std::vector<SettingChange>{{"output", std::nullopt}, {"aws_access_key_id", std::nullopt}}));
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n");
  EXPECT_EQ(f.credentials.text(), "");
}

TEST(ConfigEdit, RefusedChangeLeavesBothFilesAlone) {
  auto f = files("[default]\nregion = a\n");
  std::vector<SettingChange> changes{{"output", "json"}, {"region", "bad\nvalue"}};
  EXPECT_FALSE(apply_changes(f, {}, changes));
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n");
}

TEST(ConfigEdit, CopyCarriesCommentsAndContinuedValuesVerbatim) {
  auto f = files("[profile a]\r\n# why\r\nk = one\r\n  two\r\n; trailing note\r\n\r\n# about z\r\n[profile z]\r\n");
  ASSERT_TRUE(copy_profile(f, "a", "b"));
  EXPECT_EQ(f.config.text(),
            "[profile a]\r\n# why\r\nk = one\r\n  two\r\n; trailing note\r\n\r\n# about z\r\n[profile z]\r\n"
            "\r\n[profile b]\r\n# why\r\nk = one\r\n  two\r\n; trailing note\r\n");
}

TEST(ConfigEdit, RenameCopyDeleteProfilesInBothFiles) {
  auto f = files("[profile a]\nregion = x\ns3 =\n  k = v\n", "[a]\naws_access_key_id = A\n");
  ASSERT_TRUE(copy_profile(f, "a", "b"));
  EXPECT_EQ(f.config.text(),
            "[profile a]\nregion = x\ns3 =\n  k = v\n\n[profile b]\nregion = x\ns3 =\n  k = v\n");
  EXPECT_EQ(f.credentials.text(), "[a]\naws_access_key_id = A\n\n[b]\naws_access_key_id = A\n");
  EXPECT_FALSE(copy_profile(f, "a", "b"));
  ASSERT_TRUE(rename_profile(f, "a", "c d"));
  EXPECT_NE(f.config.text().find("[profile \"c d\"]"), std::string::npos);
  EXPECT_NE(f.credentials.text().find("[c d]"), std::string::npos);
  EXPECT_FALSE(rename_profile(f, "nope", "z"));
  ASSERT_TRUE(delete_profile(f, "b"));
  EXPECT_EQ(f.config.text().find("profile b"), std::string::npos);
  EXPECT_EQ(f.credentials.text().find("[b]"), std::string::npos);
  EXPECT_FALSE(delete_profile(f, "b"));
}

TEST(ConfigEdit, RenameRewritesSourceProfileReferences) {
  auto f = files(
      "[default]\nsource_profile = base\n\n[profile base]\nsource_profile=base\n\n"
      "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nSource_Profile =  base   # x\n\n"
      "[profile other]\nsource_profile = baseline\n\n[sso-session s]\nsource_profile = base\n",
      "[base]\naws_access_key_id = A\n[ci]\nsource_profile = base\n");
  ASSERT_TRUE(rename_profile(f, "base", "core"));
  // Every profile's reference follows, its layout kept. Left alone: a longer name that starts the
  // same, a section that is not a profile, and "base   # x", which the AWS CLI reads whole (it
  // has no inline comments), so it never named this profile.
  EXPECT_EQ(f.config.text(),
            "[default]\nsource_profile = core\n\n[profile core]\nsource_profile=core\n\n"
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nSource_Profile =  base   # x\n\n"
            "[profile other]\nsource_profile = baseline\n\n[sso-session s]\nsource_profile = base\n");
  EXPECT_EQ(f.credentials.text(), "[core]\naws_access_key_id = A\n[ci]\nsource_profile = core\n");
}

TEST(ConfigEdit, EditFilesWritesAtomicallyAndDryRunWritesNothing) {
  MemoryFileSystem fs;
  fs.put("/h/.aws/config", "[default]\nregion = a\n");
  auto edit = [](ConfigFiles& f) {
    return apply_changes(f, {}, std::vector<SettingChange>{{"region", "b"}});
  };
  auto dry = edit_config_files(fs, "/h/.aws/config", "/h/.aws/credentials", edit, true);
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->config_after, "[default]\nregion = b\n");
  EXPECT_EQ(fs.files().at("/h/.aws/config"), "[default]\nregion = a\n");
  ASSERT_TRUE(edit_config_files(fs, "/h/.aws/config", "/h/.aws/credentials", edit));
  EXPECT_EQ(fs.files().at("/h/.aws/config"), "[default]\nregion = b\n");
  EXPECT_EQ(fs.files().count("/h/.aws/credentials"), 0u) << "an unchanged missing file is not created";
}

TEST(ConfigEdit, ResolvesKeysAsConfigureSetDoes) {
  auto r = resolve_configure_key("region", "dev");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target.name, "dev");
  EXPECT_EQ(r->key, "region");
  r = resolve_configure_key("s3.max_bandwidth", "dev");
  EXPECT_EQ(r->target.name, "dev");
  EXPECT_EQ(r->key, "s3.max_bandwidth");
  r = resolve_configure_key("default.s3.addressing_style", "dev");
  EXPECT_EQ(r->target.name, "default");
  EXPECT_EQ(r->key, "s3.addressing_style");
  r = resolve_configure_key("profile.prod.region", "dev");
  EXPECT_EQ(r->target.name, "prod");
  EXPECT_EQ(r->key, "region");
  r = resolve_configure_key("plugins.cli_legacy_plugin_path", "dev");
  EXPECT_EQ(r->target.kind, EditTarget::Kind::section);
  EXPECT_EQ(r->target.name, "plugins");
  EXPECT_FALSE(resolve_configure_key("profile.prod", "dev"));
  EXPECT_FALSE(resolve_configure_key("s3.a.b", "dev")) << "the CLI would write s3 = VALUE";
  EXPECT_FALSE(resolve_configure_key("region.", "dev"));
  EXPECT_FALSE(resolve_configure_key("", "dev"));
  EXPECT_TRUE(resolve_section_key({EditTarget::Kind::services, "x"}, "sts.endpoint_url"));
  EXPECT_FALSE(resolve_section_key({EditTarget::Kind::services, "x"}, "a.b.c"));
}

TEST(ConfigEdit, ChecksSettingsAgainstTheCatalogue) {
  const SettingsCatalogue& c = builtin_catalogue();
  EditTarget profile{};
  EXPECT_EQ(check_setting(c, profile, "region", std::string("us-east-1")).reason, "");
  EXPECT_EQ(
      check_setting(c, profile, "output", std::string("jsn")).reason.rfind("output must be one of json", 0),
      0u);
  SettingCheck unknown = check_setting(c, profile, "regoin", std::string("x"));
  EXPECT_TRUE(unknown.unknown);
  EXPECT_EQ(unknown.suggestions, std::vector<std::string>{"region"});
  EXPECT_EQ(check_setting(c, profile, "s3.max_bandwidth", std::string("10MB/s")).reason, "");
  EXPECT_NE(check_setting(c, profile, "sso_registration_scopes", std::string("x"))
                .reason.find("[sso-session NAME]"),
            std::string::npos);
  EXPECT_EQ(
      check_setting(c, {EditTarget::Kind::sso_session, "s"}, "sso_region", std::string("eu-west-1")).reason,
      "");
  EXPECT_EQ(
      check_setting(c, {EditTarget::Kind::services, "s"}, "sts.endpoint_url", std::string("http://x")).reason,
      "");
  EXPECT_FALSE(check_setting(c, {EditTarget::Kind::services, "s"}, "endpoint_url", std::string("http://x"))
                   .reason.empty());
  EXPECT_EQ(check_setting(c, profile, "custom", std::nullopt).reason.empty(), false)
      << "unknown, even to remove";
}

TEST(ConfigEdit, LocatesKeysWhereEditsWouldFindThem) {
  auto f = files("[default]\nregion = a\ns3 =\n  k = v\n", "[default]\naws_access_key_id = A\n");
  auto region = locate_key(f, {}, "region");
  ASSERT_TRUE(region);
  EXPECT_EQ(region->line, 2);
  EXPECT_EQ(region->value, "a");
  EXPECT_EQ(locate_key(f, {}, "s3.k")->line, 4);
  EXPECT_EQ(locate_key(f, {}, "aws_access_key_id")->file, FileKind::credentials);
  EXPECT_FALSE(locate_key(f, {}, "output"));
  EXPECT_FALSE(locate_key(f, {EditTarget::Kind::profile, "dev"}, "region"));
}

TEST(ConfigEdit, PlainSectionTarget) {
  auto f = files("[default]\nregion = a\n");
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::section, "plugins"},
                            std::vector<SettingChange>{{"cli_legacy_plugin_path", "/opt/p"}}));
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n\n[plugins]\ncli_legacy_plugin_path = /opt/p\n");
}

TEST(ConfigEdit, AMissingFinalNewlineStaysMissing) {
  auto f = files("[default]\r\nregion = a", "[default]\naws_access_key_id = A");
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::profile, "dev"},
                            std::vector<SettingChange>{{"output", "json"}, {"aws_access_key_id", "B"}}));
  EXPECT_EQ(f.config.text(), "[default]\r\nregion = a\r\n\r\n[profile dev]\r\noutput = json");
  EXPECT_EQ(f.credentials.text(), "[default]\naws_access_key_id = A\n\n[dev]\naws_access_key_id = B");
  ASSERT_TRUE(apply_changes(f, {}, std::vector<SettingChange>{{"output", "text"}}));
  EXPECT_EQ(f.config.text(),
            "[default]\r\nregion = a\r\noutput = text\r\n\r\n[profile dev]\r\noutput = json");
  ASSERT_TRUE(delete_profile(f, "dev"));
  EXPECT_EQ(f.config.text(), "[default]\r\nregion = a\r\noutput = text");
  auto g = files("[default]\nregion = a");
  ASSERT_TRUE(copy_profile(g, "default", "b"));
  EXPECT_EQ(g.config.text(), "[default]\nregion = a\n\n[profile b]\nregion = a");
}

TEST(ConfigEdit, SubKeyOfAPlainValueIsRefusedWithoutQuotingIt) {
  auto f = files("[default]\naws_secret_access_key = SECRETVALUE\n");
  Status s = apply_changes(f, {}, std::vector<SettingChange>{{"aws_secret_access_key.x", "1"}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message().find("SECRETVALUE"), std::string::npos) << s.message();
  EXPECT_EQ(f.config.text(), "[default]\naws_secret_access_key = SECRETVALUE\n");
}

}  // namespace
}  // namespace awsprof
