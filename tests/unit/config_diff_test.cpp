#include "awsprof/checks/config_diff.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace awsprof {
namespace config_diff_test {

/// A configuration built from inline texts; keeps the documents alive with the model.
struct Config {
  Document config;
  Document credentials;
  ProfileModel model;
};

Config read(std::string config, std::string credentials = "", Dialect dialect = Dialect::cli) {
  Config c{Document::parse(std::move(config)), Document::parse(std::move(credentials)), {}};
  c.model = build_profile_model({"config", &c.config}, {"credentials", &c.credentials}, dialect);
  return c;
}

ConfigDiff diff(const std::string& a, const std::string& b, Dialect dialect = Dialect::cli) {
  Config old_config = read(a, "", dialect);
  Config new_config = read(b, "", dialect);
  return diff_configs(old_config.model, new_config.model);
}

/// "kind type section key[.sub] old -> new", one change in a line, for compact assertions.
std::string describe(const ConfigDiff& d) {
  std::string out;
  for (const ConfigChange& c : d.changes) {
    out += std::string(to_string(c.kind)) + " " + to_string(c.section_type) + " " + c.section;
    if (!c.key.empty()) out += " " + c.key;
    if (!c.sub_key.empty()) out += "." + c.sub_key;
    if (c.old_value) out += " '" + *c.old_value + "'";
    if (c.old_value && c.new_value) out += " ->";
    if (c.new_value) out += " '" + *c.new_value + "'";
    if (c.secret) out += " (secret)";
    out += "\n";
  }
  return out;
}

TEST(ConfigDiff, IdenticalConfigurationsHaveNoChanges) {
  EXPECT_TRUE(diff("[profile a]\nregion = us-east-1\n", "[profile a]\nregion = us-east-1\n").empty());
}

TEST(ConfigDiff, IgnoresFormattingCommentsAndOrder) {
  std::string a =
      "# comment\n[profile a]\nregion = us-east-1\noutput = json\n\n[profile b]\nregion = eu-west-1\n";
  EXPECT_TRUE(
      diff(a, "[profile b]\nREGION=eu-west-1\n; other\n[profile a]\noutput:json\nregion =   us-east-1\n")
          .empty());
  // The SDKs trim section names, so "[ profile a ]" is the same profile there.
  EXPECT_TRUE(diff(a, "[profile b]\nregion=eu-west-1\n[ profile a ]\noutput = json\nregion = us-east-1\n",
                   Dialect::sdk)
                  .empty());
}

TEST(ConfigDiff, DefaultAndProfileDefaultAreTheSameProfile) {
  EXPECT_TRUE(diff("[default]\nregion = x\n", "[profile default]\nregion = x\n").empty());
}

TEST(ConfigDiff, ReportsAddedRemovedAndChangedKeys) {
  ConfigDiff d = diff("[profile a]\nregion = us-east-1\noutput = json\n",
                      "[profile a]\nregion = eu-west-1\nretry_mode = standard\n");
  EXPECT_EQ(describe(d),
            "changed profile a region 'us-east-1' -> 'eu-west-1'\n"
            "removed profile a output 'json'\n"
            "added profile a retry_mode 'standard'\n");
}

TEST(ConfigDiff, ReportsWholeSectionsThenTheirKeys) {
  ConfigDiff d = diff("[profile old]\nregion = x\n[sso-session s]\nsso_region = y\n",
                      "[profile new]\noutput = text\n[services svc]\ns3 =\n  endpoint_url = http://h\n");
  EXPECT_EQ(describe(d),
            "removed profile old\n"
            "removed profile old region 'x'\n"
            "added profile new\n"
            "added profile new output 'text'\n"
            "removed sso-session s\n"
            "removed sso-session s sso_region 'y'\n"
            "added services svc\n"
            "added services svc s3 '\nendpoint_url = http://h'\n");
}

TEST(ConfigDiff, OtherSectionsAreCompared) {
  EXPECT_EQ(describe(diff("[plugins]\nx = 1\n", "[plugins]\nx = 2\n")),
            "changed other plugins x '1' -> '2'\n");
}

TEST(ConfigDiff, ComparesSubPropertiesKeyByKey) {
  ConfigDiff d = diff("[profile a]\ns3 =\n  max_bandwidth = 1\n  addressing_style = path\n",
                      "[profile a]\ns3 =\n    addressing_style=path\n    max_bandwidth = 2\n    "
                      "use_accelerate_endpoint = true\n");
  EXPECT_EQ(describe(d),
            "changed profile a s3.max_bandwidth '1' -> '2'\n"
            "added profile a s3.use_accelerate_endpoint 'true'\n");
  EXPECT_TRUE(diff("[profile a]\ns3 =\n  a = 1\n  b = 2\n", "[profile a]\ns3 =\n  b = 2\n  a=1\n").empty());
}

TEST(ConfigDiff, BlockReplacedByPlainValueIsAChangeOfTheKey) {
  ConfigDiff d = diff("[profile a]\ns3 =\n  a = 1\n", "[profile a]\ns3 = plain\n");
  EXPECT_EQ(describe(d), "changed profile a s3 '\na = 1' -> 'plain'\n");
}

TEST(ConfigDiff, SecretsCarryOnlyTheirMaskedForm) {
  Config a =
      read("", "[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secretOLDVALUEabcd\n");
  Config b =
      read("",
           "[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secretNEWVALUEwxyz\n"
           "aws_session_token = tokenTOKENtoken1234\n");
  ConfigDiff d = diff_configs(a.model, b.model);
  EXPECT_EQ(
      describe(d),
      "changed profile p aws_secret_access_key '****************abcd' -> '****************wxyz' (secret)\n"
      "added profile p aws_session_token '****************1234' (secret)\n");
  for (const ConfigChange& c : d.changes) {
    for (const auto& value : {c.old_value, c.new_value}) {
      if (!value) continue;
      EXPECT_EQ(value->find("secretOLDVALUE"), std::string::npos);
      EXPECT_EQ(value->find("secretNEWVALUE"), std::string::npos);
      EXPECT_EQ(value->find("tokenTOKEN"), std::string::npos);
    }
  }
  ConfigDiff removed = diff_configs(b.model, read("").model);
  EXPECT_EQ(describe(removed),
            "removed profile p\n"
            "removed profile p aws_access_key_id 'AKIAIOSFODNN7EXAMPLE'\n"
            "removed profile p aws_secret_access_key '****************wxyz' (secret)\n"
            "removed profile p aws_session_token '****************1234' (secret)\n");
}

TEST(ConfigDiff, AWholeBlockCarriesItsRawText) {
  // As the AWS CLI reads it (`aws configure get s3` prints it so), not re-written as "k = v".
  Config a = read("[profile p]\nregion = x\n");
  Config b =
      read("[profile p]\nregion = x\ns3 =\n    max_concurrent_requests=20\n\n    addressing_style = path\n");
  EXPECT_EQ(describe(diff_configs(a.model, b.model)),
            "added profile p s3 '\nmax_concurrent_requests=20\n\naddressing_style = path'\n");
}

TEST(ConfigDiff, ASecretWithTheSameSuffixStillCountsAsChanged) {
  Config a = read("", "[p]\naws_secret_access_key = AAAAwxyz\n");
  Config b = read("", "[p]\naws_secret_access_key = BBBBwxyz\n");
  EXPECT_EQ(
      describe(diff_configs(a.model, b.model)),
      "changed profile p aws_secret_access_key '****************wxyz' -> '****************wxyz' (secret)\n");
}

TEST(ConfigDiff, MovingAKeyBetweenTheFilesIsNoChange) {
  Config a = read("[profile p]\nregion = x\n", "[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
  Config b = read("[profile p]\nregion = x\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "");
  EXPECT_TRUE(diff_configs(a.model, b.model).empty());
}

TEST(ConfigDiff, InlineCommentsDependOnTheDialect) {
  std::string a = "[profile a]\nregion = us-east-1 # main\n";
  std::string b = "[profile a]\nregion = us-east-1\n";
  EXPECT_EQ(describe(diff(a, b, Dialect::cli)),
            "changed profile a region 'us-east-1 # main' -> 'us-east-1'\n");
  EXPECT_TRUE(diff(a, b, Dialect::sdk).empty());
}

TEST(ConfigDiff, DuplicateSectionsMergeInSdk) {
  EXPECT_TRUE(diff("[profile a]\nregion = x\n[profile a]\noutput = json\n",
                   "[profile a]\nregion = x\noutput = json\n", Dialect::sdk)
                  .empty());
}

TEST(ConfigDiff, ComparesTwoProfilesOfTheSameFiles) {
  Config c = read("[profile dev]\nregion = us-east-1\noutput = json\n[profile prod]\nregion = eu-west-1\n",
                  "[prod]\naws_secret_access_key = abcdefgh1234\n");
  Result<ConfigDiff> d = diff_profiles(c.model, "dev", "prod");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(describe(*d),
            "changed profile dev region 'us-east-1' -> 'eu-west-1'\n"
            "removed profile dev output 'json'\n"
            "added profile dev aws_secret_access_key '****************1234' (secret)\n");
  EXPECT_TRUE(diff_profiles(c.model, "dev", "dev")->empty());
  Result<ConfigDiff> missing = diff_profiles(c.model, "dev", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "no profile named 'nope' in the config or credentials file");
}

TEST(ConfigDiff, FiltersOneProfile) {
  ConfigDiff d = diff("[profile a]\nregion = x\n[profile b]\nregion = x\n", "[profile a]\nregion = y\n");
  EXPECT_EQ(describe(filter_profile(d, "a")), "changed profile a region 'x' -> 'y'\n");
  EXPECT_EQ(describe(filter_profile(d, "b")), "removed profile b\nremoved profile b region 'x'\n");
}

TEST(ConfigDiff, NamesKindsAndTypes) {
  EXPECT_STREQ(to_string(ChangeKind::added), "added");
  EXPECT_STREQ(to_string(ChangeKind::removed), "removed");
  EXPECT_STREQ(to_string(ChangeKind::changed), "changed");
  EXPECT_STREQ(to_string(SectionType::sso_session), "sso-session");
  EXPECT_STREQ(to_string(SectionType::other), "other");
}

/// A temporary git repository with one commit of `config`.
class GitRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awsprof-diff-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "aws");
    write("aws/config", "[profile a]\nregion = us-east-1\n");
    ASSERT_EQ(git("init -q && git add aws/config && git -c user.name=t -c user.email=t@e commit -qm one"), 0);
    write("aws/config", "[profile a]\nregion = eu-west-1\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  int git(const std::string& command) {
    return std::system(("cd '" + dir_.string() + "' && git " + command + " >/dev/null 2>&1").c_str());
  }

  std::filesystem::path dir_;
};

TEST_F(GitRepo, ReadsAFileAtARevision) {
  Result<GitFile> file = read_file_at_revision((dir_ / "aws/config").string(), "HEAD");
  ASSERT_TRUE(file.ok()) << file.message();
  EXPECT_EQ(file->label, "HEAD:aws/config");
  EXPECT_TRUE(file->content.exists);
  EXPECT_EQ(file->content.bytes, "[profile a]\nregion = us-east-1\n");
  EXPECT_TRUE(in_git_work_tree((dir_ / "aws/config").string()));
}

TEST_F(GitRepo, AnUntrackedPathIsMissingAtTheRevision) {
  write("aws/credentials", "[a]\n");
  Result<GitFile> file = read_file_at_revision((dir_ / "aws/credentials").string(), "HEAD");
  ASSERT_TRUE(file.ok()) << file.message();
  EXPECT_FALSE(file->content.exists);
}

TEST_F(GitRepo, RefusesAnUnknownRevisionAndADirectory) {
  Result<GitFile> bad = read_file_at_revision((dir_ / "aws/config").string(), "no-such-rev");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "unknown git revision 'no-such-rev'");
  EXPECT_FALSE(read_file_at_revision((dir_ / "aws/config").string(), "--output=x").ok());
  Result<GitFile> tree = read_file_at_revision((dir_ / "aws").string(), "HEAD");
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.message(), "HEAD:aws is not a file");
}

TEST(GitFiles, OutsideAWorkTree) {
  EXPECT_FALSE(in_git_work_tree("/proc/version"));
  Result<GitFile> file = read_file_at_revision("/proc/version", "HEAD");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.message(), "/proc/version is not inside a git work tree");
  EXPECT_FALSE(read_file_at_revision("/no/such/dir/config", "HEAD").ok());
}

}  // namespace config_diff_test
}  // namespace awsprof
