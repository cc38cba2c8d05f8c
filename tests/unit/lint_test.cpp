#include "awsprof/checks/lint.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "awsprof/credentials/credential_process.hpp"

namespace awsprof {
namespace {

constexpr unsigned kMe = 1000;
constexpr std::time_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

/// Two files in memory, a fake disk for stat, and the lint of them.
struct Fixture {
  std::string config_text;
  std::string credentials_text;
  std::map<std::string, FileStatus> disk = {
      {"/home/me/.aws", {true, 0700, kMe}},
      {"/home/me/.aws/config", {false, 0600, kMe}},
      {"/home/me/.aws/credentials", {false, 0600, kMe}},
      {"/usr/bin/helper", {false, 0755, 0}},
  };

  Diagnostics lint() const {
    Document config = Document::parse(config_text);
    Document credentials = Document::parse(credentials_text);
    LintInput input;
    input.config = {"/home/me/.aws/config", &config};
    input.credentials = {"/home/me/.aws/credentials", &credentials};
    ProfileModel model = build_profile_model(input.config, input.credentials, Dialect::cli);
    input.model = &model;
    input.aws_directory = "/home/me/.aws";
    input.current_uid = kMe;
    input.now = kNow;
    input.stat = [this](const std::string& path) -> std::optional<FileStatus> {
      auto it = disk.find(path);
      if (it == disk.end()) return std::nullopt;
      return it->second;
    };
    input.env = [](std::string_view name) -> std::optional<std::string> {
      if (name == "PATH") return "/usr/local/bin:/usr/bin";
      return std::nullopt;
    };
    return lint_aws_files(input);
  }

  std::vector<std::string> rules() const {
    std::vector<std::string> ids;
    for (const Diagnostic& d : lint()) ids.push_back(d.rule_id);
    return ids;
  }
};

using Ids = std::vector<std::string>;

TEST(Lint, CleanFilesHaveNoFindings) {
  Fixture f;
  f.config_text =
      "[default]\nregion = us-east-1\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
      "source_profile = default\n";
  f.credentials_text = "[default]\naws_access_key_id = ASIA2MOCKMOCKMOCKQ3Z\naws_secret_access_key = x\n";
  EXPECT_EQ(f.rules(), Ids{});
}

TEST(Lint, PlaintextLongLivedKeyPointsAtTheValue) {
  Fixture f;
  f.credentials_text = "[default]\naws_access_key_id = AKIA2MOCKMOCKMOCKQ3Z\naws_secret_access_key = s\n";
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "lint.plaintext-access-key");
  EXPECT_EQ(findings[0].path, "/home/me/.aws/credentials");
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].column, 21);
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_EQ(findings[0].message.find("AKIA2MOCKMOCKMOCKQ3Z"), std::string::npos);
}

TEST(Lint, SecretInConfigFile) {
  Fixture f;
  f.config_text = "[default]\naws_secret_access_key = abc\n";
  EXPECT_EQ(f.rules(), Ids{"lint.secret-in-config"});
  auto findings = f.lint();
  ASSERT_GE(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "lint.secret-in-config");
  EXPECT_EQ(findings[0].severity, Severity::error);
  EXPECT_EQ(findings[0].message.find("abc"), std::string::npos);
  f.config_text = "[default]\nregion = eu-west-1\n";
  EXPECT_EQ(f.rules(), Ids{});
}

TEST(Lint, FilePermissionsAndOwner) {
  Fixture f;
  f.credentials_text = "[default]\naws_secret_access_key = s\n";
  f.disk["/home/me/.aws/credentials"] = {false, 0644, kMe};
  f.disk["/home/me/.aws"] = {true, 0700, 0};
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule_id, "lint.file-owner");
  EXPECT_EQ(findings[0].path, "/home/me/.aws");
  EXPECT_EQ(findings[1].rule_id, "lint.file-permissions");
  EXPECT_EQ(findings[1].message, "the file has mode 644, open to others; use chmod 600");
  EXPECT_EQ(findings[1].line, 0);
}

TEST(Lint, ConfigWithoutSecretsMayBeReadableButNotWritable) {
  Fixture f;
  f.config_text = "[default]\nregion = eu-west-1\n";
  f.disk["/home/me/.aws/config"] = {false, 0644, kMe};
  EXPECT_EQ(f.rules(), Ids{});
  f.disk["/home/me/.aws/config"] = {false, 0664, kMe};
  EXPECT_EQ(f.rules(), Ids{"lint.file-permissions"});
}

TEST(Lint, ExpiredSessionToken) {
  Fixture f;
  f.credentials_text =
      "[t]\naws_access_key_id = ASIA2MOCKMOCKMOCKQ3Z\naws_session_token = tok\n"
      "aws_expiration = 2023-11-14T22:00:00Z\n";
  EXPECT_EQ(f.rules(), Ids{"lint.expired-session-token"});
  f.credentials_text = "[t]\naws_session_token = tok\nexpiration = 2023-11-14T23:00:00+00:00\n";
  EXPECT_EQ(f.rules(), Ids{});
  f.credentials_text = "[t]\naws_session_token = tok\nexpiration = 2023-11-14T23:00:00+02:00\n";
  EXPECT_EQ(f.rules(), Ids{"lint.expired-session-token"});
}

TEST(Lint, ExampleKeys) {
  Fixture f;
  f.credentials_text =
      "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule_id, "lint.example-key");
  EXPECT_EQ(findings[1].rule_id, "lint.example-key");
  EXPECT_EQ(findings[1].message.find("wJalr"), std::string::npos);
}

TEST(Lint, CredentialProcessChecks) {
  Fixture f;
  f.config_text = "[profile a]\ncredential_process = bin/helper --json\n";
  EXPECT_EQ(f.rules(), Ids{"lint.credential-process-relative"});
  f.config_text = "[profile a]\ncredential_process = /opt/missing/helper\n";
  EXPECT_EQ(f.rules(), Ids{"lint.credential-process-missing"});
  f.config_text = "[profile a]\ncredential_process = not-on-path --x\n";
  EXPECT_EQ(f.rules(), Ids{"lint.credential-process-missing"});
  f.config_text = "[profile a]\ncredential_process = helper --x\n";
  EXPECT_EQ(f.rules(), Ids{});
  f.config_text = "[profile a]\ncredential_process = \"/usr/bin/helper\" --x\n";
  EXPECT_EQ(f.rules(), Ids{});
  f.disk["/usr/bin/helper"].mode = 0777;
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "lint.credential-process-writable");
  EXPECT_EQ(findings[0].column, 22);
}

TEST(Lint, StaticKeysCouldUseSso) {
  Fixture f;
  f.config_text = "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n";
  f.credentials_text = "[default]\naws_access_key_id = ASIA2MOCKMOCKMOCKQ3Z\n";
  EXPECT_EQ(f.rules(), Ids{"lint.could-use-sso"});
  f.config_text = "";
  EXPECT_EQ(f.rules(), Ids{});
}

TEST(Lint, UnusedProfileIsANote) {
  Fixture f;
  f.config_text =
      "[profile lonely]\nregion = eu-west-1\n[profile base]\nregion = eu-west-1\n"
      "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n";
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "lint.unused-profile");
  EXPECT_EQ(findings[0].severity, Severity::note);
  EXPECT_EQ(findings[0].line, 1);
}

TEST(Lint, ParsesIso8601) {
  // Lint reads aws_expiration with parse_expiration_time and compares it with LintInput::now.
  auto parse_iso8601 = [](std::string_view text) -> std::optional<std::time_t> {
    auto when = parse_expiration_time(text);
    if (!when) return std::nullopt;
    return std::chrono::system_clock::to_time_t(*when);
  };
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), std::time_t{0});
  EXPECT_EQ(parse_iso8601("2023-11-14T22:13:20Z"), kNow);
  EXPECT_EQ(parse_iso8601("2023-11-14T22:13:20.123456Z"), kNow);
  EXPECT_EQ(parse_iso8601("2023-11-15T00:13:20+02:00"), kNow);
  EXPECT_EQ(parse_iso8601("2023-11-14 22:13:20Z"), kNow);
  EXPECT_FALSE(parse_iso8601("yesterday").has_value());
  EXPECT_FALSE(parse_iso8601("2023-13-14T22:13:20Z").has_value());
}

}  // namespace
}  // namespace awsprof
