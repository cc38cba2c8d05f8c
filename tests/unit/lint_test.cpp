#include "awsprof/checks/lint.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "awsprof/credentials/credential_process.hpp"

namespace awsprof {
namespace lint_test {

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

TEST(Lint, LegacySsoProfilesGetTheExactMigration) {
  Fixture f;
  f.config_text =
      "[profile dev]\nsso_start_url = https://d-1234567890.awsapps.com/start#/\nsso_region = eu-west-1\n"
      "sso_account_id = 111111111111\nsso_role_name = Admin\n";
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "lint.sso-legacy-profile");
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].column, 1);
  EXPECT_EQ(findings[0].message,
            "profile 'dev' uses the legacy SSO form (sso_start_url in the profile), whose token cannot be refreshed; "
            "move it to an [sso-session]: awsprof set --sso-session d-1234567890 sso_start_url "
            "'https://d-1234567890.awsapps.com/start#/' sso_region eu-west-1 sso_registration_scopes "
            "sso:account:access && awsprof set --profile dev sso_session d-1234567890 && awsprof unset --profile "
            "dev sso_start_url sso_region, then log in once with `awsprof sso login --sso-session d-1234567890`");

  // A session of the same start URL already exists: the profile only needs to name it.
  f.config_text =
      "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"
      "[profile \"my dev\"]\nsso_start_url = https://d-1234567890.awsapps.com/start/\nsso_account_id = 1\n";
  findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message,
            "profile 'my dev' uses the legacy SSO form (sso_start_url in the profile), whose token cannot be "
            "refreshed; use its [sso-session corp]: awsprof set --profile 'my dev' sso_session corp && "
            "awsprof unset --profile 'my dev' sso_start_url, then log in once with `awsprof sso login "
            "--sso-session corp`");

  // A session of that name holding another URL: the new one gets another name.
  f.config_text =
      "[sso-session d-1234567890]\nsso_start_url = https://other.awsapps.com/start\nsso_region = eu-west-1\n"
      "[profile dev]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n";
  findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find("awsprof set --sso-session d-1234567890-2 sso_start_url"), std::string::npos);

  // The sso_session form is not legacy, even with the start URL repeated beside it.
  f.config_text =
      "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n"
      "[profile dev]\nsso_session = corp\nsso_start_url = https://x.awsapps.com/start\nsso_account_id = 1\n";
  EXPECT_EQ(f.rules(), Ids{});
}

TEST(Lint, StaleGeneratedProfiles) {
  const std::string session =
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
  const std::string profile =
      "[profile prod.Admin]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n"
      "awsprof_generated = sso-session=corp start-url=https://corp.awsapps.com/start account=111111111111 "
      "role=Admin name=prod.Admin";
  Fixture f;
  f.config_text = session + profile + "\n";
  EXPECT_EQ(f.rules(), Ids{});  // a live generated profile

  f.config_text = session + profile + " stale-since=2025-02-03\n";
  auto findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "lint.sso-stale-generated-profile");
  EXPECT_EQ(findings[0].line, 8);
  EXPECT_EQ(findings[0].column, 21);
  EXPECT_EQ(findings[0].message,
            "profile 'prod.Admin' is for role Admin in account 111111111111, which IAM Identity Center no longer "
            "lists (found by `awsprof sso populate` on 2025-02-03); `awsprof sso populate --sso-session corp "
            "--prune` removes it");

  f.config_text = "[sso-session corp]\nsso_start_url = https://new.awsapps.com/start\nsso_region = us-east-1\n" +
                  profile + "\n";
  findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message,
            "profile 'prod.Admin' was generated from https://corp.awsapps.com/start, but [sso-session corp] now "
            "uses https://new.awsapps.com/start; `awsprof sso populate --sso-session corp --prune` removes it");

  f.config_text = profile + "\n";
  findings = f.lint();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message,
            "profile 'prod.Admin' was generated for [sso-session corp], which is no longer in the config file; "
            "`awsprof set --delete-profile prod.Admin` removes it");
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

}  // namespace lint_test
}  // namespace awsprof
