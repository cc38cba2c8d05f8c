#include "awsprof/model/sso_markers.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace sso_markers_test {

struct Read {
  Document config;
  ProfileModel model;
  std::vector<std::pair<int, int>> blocks;
  explicit Read(std::string text) : config(Document::parse(std::move(text))) {
    model = build_profile_model({"config", &config}, {"credentials", nullptr}, Dialect::cli);
    blocks = aws_sso_cli_blocks(config);
  }
  std::optional<SsoProfileIdentity> identity(std::string_view profile) const {
    const Section* section = model.find_profile(profile);
    EXPECT_NE(section, nullptr) << profile;
    return section ? sso_profile_identity(model, *section, blocks) : std::nullopt;
  }
};

TEST(GeneratedMarker, RoundTripsAndEncodesWhatWouldBreakIt) {
  GeneratedMarker marker{
      "my corp",   "https://d-1.awsapps.com/start#/", "111111111111", "Admin", "prod.Admin", "eu-west-1",
      std::nullopt};
  const std::string text = format_generated_marker(marker);
  EXPECT_EQ(text,
            "sso-session=my%20corp start-url=https://d-1.awsapps.com/start#/ account=111111111111 role=Admin "
            "name=prod.Admin region=eu-west-1");
  EXPECT_EQ(parse_generated_marker(text), marker);
  marker.region.reset();
  marker.stale_since = "2025-01-31";
  marker.session = "50%\tü";
  EXPECT_EQ(parse_generated_marker(format_generated_marker(marker)), marker);
  EXPECT_NE(format_generated_marker(marker).find("sso-session=50%25%09%C3%BC "), std::string::npos);
}

TEST(GeneratedMarker, RefusesWhatItDidNotWrite) {
  EXPECT_FALSE(parse_generated_marker(""));
  EXPECT_FALSE(parse_generated_marker("sso-session=a start-url=u account=1 role=r"));  // no name
  EXPECT_FALSE(parse_generated_marker("sso-session=a start-url=u account=1 role=r name=%G1"));
  EXPECT_FALSE(parse_generated_marker("sso-session=a start-url=u account=1 role=r name=x%4"));
  EXPECT_FALSE(parse_generated_marker("sso-session=a start-url=u account=1 role=r name=x junk"));
  EXPECT_TRUE(parse_generated_marker("  sso-session=a  start-url=u account=1 role=r name=x future=1 "));
}

TEST(SsoProfileIdentity, OfEachKindOfProfile) {
  Read read(R"([sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile ours]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
awsprof_generated = sso-session=corp start-url=https://corp.awsapps.com/start account=111111111111 role=Admin name=ours

[profile hand]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 333333333333
sso_role_name = Admin

[profile granted/Admin]
granted_sso_start_url = https://corp.awsapps.com/start
granted_sso_region = us-east-1
granted_sso_account_id = 444444444444
granted_sso_role_name = Admin
common_fate_generated_from = aws-sso
credential_process = granted credential-process --profile granted/Admin

[profile util.Admin]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_account_name = util
sso_account_id = 555555555555
sso_role_name = Admin
region = eu-west-1
sso_auto_populated = true

[profile keys]
aws_access_key_id = AKIAEXAMPLE

# BEGIN_AWS_SSO_CLI

[profile 666666666666:Admin]
credential_process = /usr/local/bin/aws-sso -S "Default" process --arn arn:aws:iam::666666666666:role/Admin
region = us-east-1

# END_AWS_SSO_CLI

[profile outside]
credential_process = aws-sso process --arn arn:aws:iam::777777777777:role/Admin
)");
  ASSERT_EQ(read.blocks.size(), 1u);
  auto ours = read.identity("ours");
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->origin, ProfileOrigin::awsprof);
  EXPECT_EQ(ours->marker->name, "ours");
  EXPECT_EQ(ours->start_url, "https://corp.awsapps.com/start");

  auto hand = read.identity("hand");
  ASSERT_TRUE(hand);
  EXPECT_EQ(hand->origin, ProfileOrigin::hand_written);
  EXPECT_EQ(hand->start_url, "https://corp.awsapps.com/start");  // from its [sso-session]
  EXPECT_EQ(hand->account_id, "222222222222");
  EXPECT_EQ(hand->sso_session, "corp");

  auto legacy = read.identity("legacy");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->origin, ProfileOrigin::hand_written);
  EXPECT_EQ(legacy->start_url, "https://old.awsapps.com/start");

  auto granted = read.identity("granted/Admin");
  ASSERT_TRUE(granted);
  EXPECT_EQ(granted->origin, ProfileOrigin::granted);
  EXPECT_EQ(granted->account_id, "444444444444");
  EXPECT_EQ(granted->role_name, "Admin");
  EXPECT_EQ(granted->start_url, "https://corp.awsapps.com/start");

  auto util = read.identity("util.Admin");
  ASSERT_TRUE(util);
  EXPECT_EQ(util->origin, ProfileOrigin::aws_sso_util);
  EXPECT_EQ(util->account_id, "555555555555");

  auto cli = read.identity("666666666666:Admin");
  ASSERT_TRUE(cli);
  EXPECT_EQ(cli->origin, ProfileOrigin::aws_sso_cli);
  EXPECT_EQ(cli->account_id, "666666666666");
  EXPECT_EQ(cli->role_name, "Admin");
  EXPECT_EQ(cli->start_url, "");

  EXPECT_FALSE(read.identity("keys"));
  EXPECT_FALSE(read.identity("outside"));  // aws-sso's command, but outside its block: not its profile
}

TEST(SsoProfileIdentity, NamedAwsSsoCliBlocksAndUnclosedOnes) {
  Document doc = Document::parse(
      "# BEGIN_AWS_SSO_CLI_work\n[profile a]\n# END_AWS_SSO_CLI\n# END_AWS_SSO_CLI_work\n# "
      "BEGIN_AWS_SSO_CLI\n");
  EXPECT_EQ(aws_sso_cli_blocks(doc), (std::vector<std::pair<int, int>>{{1, 4}}));
}

TEST(SsoProfileIdentity, RoleArnsAndStartUrls) {
  EXPECT_EQ(role_arn_parts("arn:aws:iam::123456789012:role/Admin"),
            (std::pair<std::string, std::string>{"123456789012", "Admin"}));
  EXPECT_EQ(role_arn_parts("arn:aws-us-gov:iam::123456789012:role/path/to/Ops"),
            (std::pair<std::string, std::string>{"123456789012", "Ops"}));
  EXPECT_FALSE(role_arn_parts("arn:aws:iam::123456789012:user/bob"));
  EXPECT_FALSE(role_arn_parts("aws:arn:iam::12345:role/Bar"));
  EXPECT_FALSE(role_arn_parts("arn:aws:iam::12x:role/Bar"));
  EXPECT_EQ(normalize_start_url("https://d-1.awsapps.com/start/#/"), "https://d-1.awsapps.com/start");
  EXPECT_EQ(normalize_start_url(" https://d-1.awsapps.com/start# "), "https://d-1.awsapps.com/start");
  EXPECT_EQ(normalize_start_url("https://d-1.awsapps.com/start"), "https://d-1.awsapps.com/start");
}

TEST(ProfileOrigin, Names) {
  EXPECT_STREQ(to_string(ProfileOrigin::hand_written), "hand-written");
  EXPECT_STREQ(to_string(ProfileOrigin::aws_sso_util), "aws-sso-util");
  EXPECT_STREQ(to_string(ProfileOrigin::aws_sso_cli), "aws-sso-cli");
  EXPECT_STREQ(to_string(ProfileOrigin::granted), "granted");
  EXPECT_STREQ(to_string(ProfileOrigin::awsprof), "awsprof");
}

}  // namespace sso_markers_test
}  // namespace awsprof
