#include "awsprof/model/profile_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace awsprof {
namespace profile_model_test {

struct Files {
  Document config;
  Document credentials;
  ProfileModel read(Dialect dialect) const {
    return build_profile_model({"config", &config}, {"credentials", &credentials}, dialect);
  }
};

Files files(std::string config, std::string credentials = "") {
  return Files{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

std::vector<std::string> names(const std::vector<Section>& sections) {
  std::vector<std::string> out;
  for (const Section& s : sections) out.emplace_back(s.name);
  return out;
}

std::string value(const ProfileModel& model, std::string_view profile, std::string_view key) {
  const Section* p = model.find_profile(profile);
  if (p == nullptr) return "<no profile>";
  const Setting* s = p->find(key);
  return s == nullptr ? "<unset>" : std::string(s->value);
}

bool has_rule(const ProfileModel& model, std::string_view rule) {
  return std::any_of(model.diagnostics.begin(), model.diagnostics.end(),
                     [&](const Diagnostic& d) { return d.rule_id == rule; });
}

TEST(CliDialect, LowercasesKeysAndAcceptsColon) {
  auto m = files("[default]\nRegion : us-east-1\nOUTPUT=json\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "default", "region"), "us-east-1");
  EXPECT_EQ(value(m, "default", "output"), "json");
}

TEST(CliDialect, KeepsInlineCommentsInValues) {
  auto m = files("[default]\nregion = us-east-1 # main\n# whole line\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "default", "region"), "us-east-1 # main");
}

TEST(CliDialect, DuplicatesRefuseTheFile) {
  auto dup_key = files("[default]\nregion = a\nREGION = b\n").read(Dialect::cli);
  EXPECT_TRUE(dup_key.config_unreadable);
  EXPECT_TRUE(has_rule(dup_key, "parse.duplicate-key"));
  auto dup_section = files("[default]\n[profile a]\n[default]\n").read(Dialect::cli);
  EXPECT_TRUE(dup_section.config_unreadable);
  EXPECT_TRUE(has_rule(dup_section, "parse.duplicate-section"));
  const Diagnostic& d = dup_section.diagnostics.front();
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.path, "config");
}

TEST(CliDialect, LaterOfDefaultAndProfileDefaultWinsAtTheFirstPosition) {
  auto m = files("[default]\nregion = a\n[profile x]\n[profile default]\nregion = b\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "default", "region"), "b");
  EXPECT_EQ(names(m.profiles), (std::vector<std::string>{"default", "x"}));
  auto m2 = files("[profile default]\nregion = b\n[default]\noutput = json\n").read(Dialect::cli);
  EXPECT_EQ(value(m2, "default", "region"), "<unset>");
  EXPECT_EQ(value(m2, "default", "output"), "json");
}

TEST(CliDialect, SplitsSectionNamesLikeAShell) {
  auto m = files("[profile \"a b\"]\n[profile c d]\n[profilefoo]\n[profiles x]\n[ profile y ]\n[plugins]\n").read(Dialect::cli);
  EXPECT_EQ(names(m.profiles), (std::vector<std::string>{"a b", "x"}));
  EXPECT_EQ(names(m.other_sections), (std::vector<std::string>{" profile y ", "plugins"}));
  EXPECT_TRUE(has_rule(m, "parse.ignored-section"));
}

TEST(CliDialect, DefaultSectionLeaksIntoEverySection) {
  auto m = files("[DEFAULT]\noutput = json\n[profile a]\nregion = x\n", "[DEFAULT]\nk = 1\n[b]\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "a", "output"), "json");
  EXPECT_EQ(value(m, "b", "k"), "1");
  EXPECT_EQ(m.find_profile("a")->settings.front().key, "region") << "own keys come first";
}

TEST(CliDialect, CredentialsNamesAreLiteralAndOverrideConfig) {
  auto m = files("[profile a]\nregion = x\naws_access_key_id = CONFIG\n",
                 "[a]\naws_access_key_id = CREDS\n[profile b]\nk = v\n[c]\n")
               .read(Dialect::cli);
  EXPECT_EQ(names(m.profiles), (std::vector<std::string>{"a", "profile b", "c"}));
  EXPECT_EQ(value(m, "a", "aws_access_key_id"), "CREDS");
  const Section* a = m.find_profile("a");
  EXPECT_TRUE(a->in_config && a->in_credentials);
  EXPECT_EQ(a->find("aws_access_key_id")->source.file, FileKind::credentials);
}

TEST(CliDialect, ContinuationsBlankLinesAndComments) {
  auto m = files("[default]\nk = a\n\n  b\n# c\n  c\n\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "default", "k"), "a\n\nb\nc");
}

TEST(CliDialect, IndentedHeaderAfterAPropertyIsAContinuation) {
  auto m = files("[default]\nregion = a\n  [profile b]\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "default", "region"), "a\n[profile b]");
  EXPECT_EQ(m.find_profile("b"), nullptr);
}

TEST(CliDialect, NestedBlocks) {
  auto m = files("[default]\ns3 =\n  max_bandwidth = 10MB\n  Addressing_Style=path\n").read(Dialect::cli);
  const Setting* s3 = m.find_profile("default")->find("s3");
  ASSERT_TRUE(s3 && s3->sub_properties);
  EXPECT_EQ(s3->find_sub("max_bandwidth")->value, "10MB");
  EXPECT_EQ(s3->find_sub("Addressing_Style")->value, "path") << "sub-keys keep their case";
  auto bad = files("[default]\ns3 =\n  oops\n").read(Dialect::cli);
  EXPECT_TRUE(bad.config_unreadable);
  EXPECT_TRUE(has_rule(bad, "parse.bad-sub-property"));
}

TEST(CliDialect, RefusesBomInvalidUtf8AndTextBeforeASection) {
  EXPECT_TRUE(has_rule(files("\xEF\xBB\xBF[default]\n").read(Dialect::cli), "parse.byte-order-mark"));
  auto bad = files("[default]\nk = \xff\n").read(Dialect::cli);
  EXPECT_TRUE(bad.config_unreadable);
  ASSERT_TRUE(has_rule(bad, "parse.invalid-utf8"));
  EXPECT_EQ(bad.diagnostics.front().line, 2);
  EXPECT_EQ(bad.diagnostics.front().column, 5);
  EXPECT_TRUE(has_rule(files("region = x\n[default]\n").read(Dialect::cli), "parse.missing-section-header"));
  EXPECT_TRUE(files("", "[a]\n= x\n").read(Dialect::cli).credentials_unreadable);
}

TEST(CliDialect, ReportsEveryProblemInOnePass) {
  auto m = files("[default]\na = 1\na = 2\njunk\n[default]\n").read(Dialect::cli);
  EXPECT_TRUE(has_rule(m, "parse.duplicate-key"));
  EXPECT_TRUE(has_rule(m, "parse.missing-delimiter"));
  EXPECT_TRUE(has_rule(m, "parse.duplicate-section"));
}

TEST(CliDialect, UnicodeWhitespaceIsStrippedAsPythonDoes) {
  auto m = files("[default]\nk = \xC2\xA0value\xE3\x80\x80\n").read(Dialect::cli);
  EXPECT_EQ(value(m, "default", "k"), "value");
}

TEST(SdkDialect, ProfileDefaultAlwaysWins) {
  auto m = files("[profile default]\nname = a\n[default]\nname2 = b\n").read(Dialect::sdk);
  EXPECT_EQ(value(m, "default", "name"), "a");
  EXPECT_EQ(value(m, "default", "name2"), "<unset>");
}

TEST(SdkDialect, MergesDuplicatesAndStripsInlineComments) {
  auto m = files("[profile a]\nk = 1 # c\n[profile a]\nK = 2 ; d\nj = x#y\n").read(Dialect::sdk);
  EXPECT_FALSE(m.config_unreadable);
  EXPECT_EQ(value(m, "a", "k"), "2");
  EXPECT_EQ(value(m, "a", "j"), "x#y");
}

TEST(SdkDialect, IgnoresInvalidNames) {
  auto m = files("[profile in valid]\nx = 1\n[profile ok]\nin valid = 2\n[noprefix]\n", "[profile c]\n[d]\n").read(Dialect::sdk);
  EXPECT_EQ(names(m.profiles), (std::vector<std::string>{"ok", "d"}));
  EXPECT_EQ(value(m, "ok", "in valid"), "<unset>");
}

TEST(SdkDialect, ColonIsNotADelimiter) {
  auto m = files("[profile a]\nkey : value\n").read(Dialect::sdk);
  EXPECT_TRUE(m.config_unreadable);
}

TEST(Divergence, FindsEachKindOfDifference) {
  Files f = files(
      "[default]\nregion = us-east-1 # main\n[profile default]\noutput = json\n"
      "[profile colon]\nregion : eu-west-1\n[profile \"quoted\"]\n[ profile spaced ]\n");
  auto found = find_dialect_divergences({"config", &f.config}, {"credentials", &f.credentials});
  auto mentions = [&](std::string_view text) {
    return std::any_of(found.begin(), found.end(), [&](const Divergence& d) {
      return d.cause.find(text) != std::string::npos || d.cli_reading.find(text) != std::string::npos ||
             d.sdk_reading.find(text) != std::string::npos;
    });
  };
  // ':' makes the SDKs refuse the file outright, so check that on its own.
  EXPECT_TRUE(mentions("refuse the whole file"));
  Files g = files(
      "[default]\nregion = us-east-1 # main\n[profile default]\noutput = json\n[profile \"quoted\"]\n[ "
      "profile spaced ]\n");
  found = find_dialect_divergences({"config", &g.config}, {"credentials", &g.credentials});
  EXPECT_TRUE(mentions("quoted"));
  EXPECT_TRUE(mentions("spaced"));
  EXPECT_FALSE(found.empty());
  Files same = files("[default]\nregion = us-east-1\n", "[default]\naws_access_key_id = A\n");
  EXPECT_TRUE(find_dialect_divergences({"config", &same.config}, {"credentials", &same.credentials}).empty());
  Files comment = files("[default]\nregion = us-east-1 # main\n");
  auto c = find_dialect_divergences({"config", &comment.config}, {"credentials", &comment.credentials});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].line, 2);
  EXPECT_EQ(c[0].key, "region");
  EXPECT_NE(c[0].cause.find("inline comment"), std::string::npos);
  Files secret = files("", "[default]\naws_secret_access_key = abcdSECRETwxyz # x\n");
  auto s = find_dialect_divergences({"config", &secret.config}, {"credentials", &secret.credentials});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].cli_reading.find("SECRET"), std::string::npos);
  EXPECT_EQ(s[0].sdk_reading.find("SECRET"), std::string::npos);
}

// Whitespace other than spaces and tabs: the AWS CLI strips it around keys and values and reads a
// line that starts with it as indented (Python's str.isspace; botocore 1.43 reads region = 'a',
// output = 'json', cli_pager = 'x\nmore = y'); the SDKs trim only spaces and tabs.
TEST(Divergence, NamesTheWhitespaceOnlyTheCliStrips) {
  Files f = files("[default]\n\x1cregion = a\noutput = json\xC2\xA0\ncli_pager = x\n\x1fmore = y\n");
  auto found = find_dialect_divergences({"config", &f.config}, {"credentials", &f.credentials});
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].key, "region");
  EXPECT_EQ(found[0].sdk_reading, "read no value");
  EXPECT_EQ(
      found[0].cause,
      "whitespace U+001C around the key: the AWS CLI strips it (Python's str.strip); the SDKs trim only "
      "spaces and tabs, and ignore a key name that holds it");
  EXPECT_EQ(found[1].key, "output");
  EXPECT_EQ(
      found[1].cause,
      "whitespace U+00A0 around the value: the AWS CLI strips it (Python's str.strip); the SDKs trim only "
      "spaces and tabs");
  EXPECT_EQ(found[2].key, "cli_pager");
  EXPECT_EQ(
      found[2].cause,
      "a line that starts with whitespace U+001F (not a space or tab) continues the value for the AWS CLI; "
      "the SDKs read it as a line of its own");
}

TEST(ProfileModel, MissingProfileMessageNamesTheNearestProfiles) {
  Document config = Document::parse("[profile develop]\n[profile dev-a]\n[profile dev-b]\n[profile prod]\n");
  ProfileModel model = build_profile_model({"config", &config}, {"credentials", nullptr}, Dialect::cli);
  EXPECT_EQ(missing_profile_message(model, "devlop"),
            "the profile 'devlop' does not exist; did you mean 'develop'?");
  EXPECT_EQ(missing_profile_message(model, "dev-c"),
            "the profile 'dev-c' does not exist; did you mean 'dev-a' or 'dev-b'?");
  EXPECT_EQ(missing_profile_message(model, "qa"), "the profile 'qa' does not exist");
}

}  // namespace profile_model_test
}  // namespace awsprof
