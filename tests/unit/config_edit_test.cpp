#include "awsprof/config_edit.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace {

ConfigFiles files(std::string config, std::string credentials = "") {
  return ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

TEST(ConfigEdit, CredentialKeysGoToTheCredentialsFile) {
  auto f = files("[default]\nregion = a\n");
  std::vector<SettingChange> changes{{"aws_access_key_id", "AKID"}, {"output", "json"}, {"s3.max_bandwidth", "10MB"}};
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::profile, "dev"}, changes));
  EXPECT_EQ(f.credentials.text(), "[dev]\naws_access_key_id = AKID\n");
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n\n[profile dev]\noutput = json\ns3 =\n    max_bandwidth = 10MB\n");
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
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::sso_session, "corp"}, std::vector<SettingChange>{{"sso_region", "eu-west-1"}}));
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::services, "local"}, std::vector<SettingChange>{{"sts.endpoint_url", "http://x"}}));
  EXPECT_EQ(f.config.text(), "[sso-session corp]\nsso_region = eu-west-1\n\n[services local]\nsts =\n    endpoint_url = http://x\n");
  EXPECT_EQ(f.credentials.text(), "");
}

TEST(ConfigEdit, UnsetRemovesEmptiedSections) {
  auto f = files("[default]\nregion = a\n\n[profile dev]\noutput = json\n", "[dev]\naws_access_key_id = A\n");
  ASSERT_TRUE(apply_changes(f, {EditTarget::Kind::profile, "dev"},
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

TEST(ConfigEdit, RenameCopyDeleteProfilesInBothFiles) {
  auto f = files("[profile a]\nregion = x\ns3 =\n  k = v\n", "[a]\naws_access_key_id = A\n");
  ASSERT_TRUE(copy_profile(f, "a", "b"));
  EXPECT_EQ(f.config.text(), "[profile a]\nregion = x\ns3 =\n  k = v\n\n[profile b]\nregion = x\ns3 =\n    k = v\n");
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

TEST(ConfigEdit, EditFilesWritesAtomicallyAndDryRunWritesNothing) {
  MemoryFileSystem fs;
  fs.put("/h/.aws/config", "[default]\nregion = a\n");
  auto edit = [](ConfigFiles& f) { return apply_changes(f, {}, std::vector<SettingChange>{{"region", "b"}}); };
  auto dry = edit_config_files(fs, "/h/.aws/config", "/h/.aws/credentials", edit, true);
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->config_after, "[default]\nregion = b\n");
  EXPECT_EQ(fs.files().at("/h/.aws/config"), "[default]\nregion = a\n");
  ASSERT_TRUE(edit_config_files(fs, "/h/.aws/config", "/h/.aws/credentials", edit));
  EXPECT_EQ(fs.files().at("/h/.aws/config"), "[default]\nregion = b\n");
  EXPECT_EQ(fs.files().count("/h/.aws/credentials"), 0u) << "an unchanged missing file is not created";
}

}  // namespace
}  // namespace awsprof
