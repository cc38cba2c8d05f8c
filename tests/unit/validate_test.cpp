#include "awsprof/checks/validate.hpp"

#include <gtest/gtest.h>

#include "awsprof/checks/rules.hpp"

namespace awsprof {
namespace validate_test {

struct Checked {
  Document config;
  Document credentials;
  Diagnostics findings;

  Checked(std::string config_text, std::string credentials_text = "", Dialect dialect = Dialect::cli)
      : config(Document::parse(std::move(config_text))),
        credentials(Document::parse(std::move(credentials_text))) {
    findings = validate({"config", &config}, {"credentials", &credentials}, dialect, builtin_catalogue());
  }

  std::vector<const Diagnostic*> of(std::string_view rule) const {
    std::vector<const Diagnostic*> out;
    for (const Diagnostic& d : findings)
      if (d.rule_id == rule) out.push_back(&d);
    return out;
  }
  const Diagnostic& one(std::string_view rule) const {
    auto found = of(rule);
    if (found.size() != 1) {
      std::string all;
      for (const Diagnostic& d : findings) all += format_diagnostic_line(d) + "\n";
      ADD_FAILURE() << "expected one " << rule << ", got " << found.size() << ":\n" << all;
      static Diagnostic none;
      return none;
    }
    return *found[0];
  }
};

TEST(Validate, CleanFilesHaveNoFindings) {
  Checked run(
      "[default]\nregion = us-east-1\noutput = json\n\n[profile dev]\nrole_arn = "
      "arn:aws:iam::123456789012:role/dev\n"
      "source_profile = default\nduration_seconds = 3600\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
      "s3 =\n  max_concurrent_requests = 20\n\n[profile sso]\nsso_session = corp\nsso_account_id = "
      "123456789012\n"
      "sso_role_name = Admin\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n"
      "sso_region = us-east-1\n\n[services local]\ns3 =\n  endpoint_url = http://localhost:9000\n",
      "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\n");
  EXPECT_TRUE(run.findings.empty()) << format_diagnostic_line(run.findings[0]);
}

TEST(Validate, EveryFindingHasARegisteredRuleAndAPosition) {
  Checked run("[default]\nregoin = x\noutput = jsno\n[profile a]\nsource_profile = b\nrole_arn = nope\n",
              "[profile x]\nregion = us-east-1\n");
  ASSERT_FALSE(run.findings.empty());
  for (const Diagnostic& d : run.findings) {
    EXPECT_NE(find_rule(d.rule_id), nullptr) << d.rule_id;
    EXPECT_GT(d.line, 0) << d.rule_id;
    EXPECT_GT(d.column, 0) << d.rule_id;
    EXPECT_FALSE(d.path.empty());
  }
}

TEST(Validate, DuplicatesAreErrorsInCliAndWarningsInSdk) {
  const std::string text = "[default]\nregion = a\nRegion = b\n[default]\noutput = json\n";
  Checked cli(text);
  EXPECT_EQ(cli.one("parse.duplicate-key").severity, Severity::error);
  EXPECT_NE(cli.one("parse.duplicate-key").message.find("the AWS CLI refuses the whole file"),
            std::string::npos);
  EXPECT_EQ(cli.one("parse.duplicate-section").line, 4);
  Checked sdk(text, "", Dialect::sdk);
  EXPECT_EQ(sdk.one("parse.duplicate-key").severity, Severity::warning);
  EXPECT_EQ(sdk.one("parse.duplicate-section").severity, Severity::warning);
  EXPECT_NE(sdk.one("parse.duplicate-key").message.find("the AWS SDKs use the later value"),
            std::string::npos);
}

TEST(Validate, StructureRules) {
  Checked run(
      "[default]\nregion = us-east-1\n[profile default]\nregion = us-east-1\n[dev]\nx = 1\n"
      "[profile a]\nregion = us-east-1\n  [profile b]\n[profile \"my name\"]\n",
      "[profile x]\naws_access_key_id = A\n");
  EXPECT_EQ(run.one("validate.default-and-profile-default").line, 3);
  EXPECT_EQ(run.one("validate.unprefixed-section").line, 5);
  const Diagnostic& indented = run.one("validate.indented-section-header");
  EXPECT_EQ(indented.line, 9);
  EXPECT_EQ(indented.column, 3);
  EXPECT_NE(indented.message.find("part of the value of 'region' (line 8)"), std::string::npos);
  EXPECT_EQ(run.one("validate.invalid-profile-name").line, 10);
  const Diagnostic& prefixed = run.one("validate.profile-prefix-in-credentials");
  EXPECT_EQ(prefixed.path, "credentials");
  EXPECT_EQ(prefixed.line, 1);
}

TEST(Validate, PropertyBeforeSectionAndBadSubProperty) {
  Checked run("region = x\n[default]\ns3 =\n  max_concurrent_requests\n");
  EXPECT_EQ(run.one("parse.missing-section-header").line, 1);
  EXPECT_EQ(run.of("parse.bad-sub-property").size(), 1u);
}

TEST(Validate, UnknownKeySuggestsTheNearestSetting) {
  Checked run("[default]\nregoin = us-east-1\ns3 =\n  max_concurent_requests = 2\n");
  auto unknown = run.of("validate.unknown-key");
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[0]->line, 2);
  EXPECT_NE(unknown[0]->message.find("did you mean 'region'?"), std::string::npos);
  EXPECT_EQ(unknown[1]->line, 4);
  EXPECT_EQ(unknown[1]->column, 3);
  EXPECT_NE(unknown[1]->message.find("'s3.max_concurrent_requests'"), std::string::npos);
}

TEST(Validate, ValueRules) {
  Checked run(
      "[default]\nduration_seconds = 100\nmax_attempts = many\noutput = jsno\nretry_mode = fast\n"
      "credential_source = Ec2\nsts_regional_endpoints = everywhere\nrole_arn = arn:aws:s3:::bucket\n"
      "source_profile = default\naws_access_key_id = A\nmfa_serial = 123\nendpoint_url = localhost\n"
      "region = us east\n");
  const Diagnostic& range = run.one("validate.out-of-range");
  EXPECT_EQ(range.line, 2);
  EXPECT_EQ(range.column, 20);
  EXPECT_EQ(run.one("validate.invalid-type").line, 3);
  EXPECT_EQ(run.of("validate.invalid-enum").size(), 4u);
  EXPECT_EQ(run.of("validate.invalid-arn").size(), 2u);
  EXPECT_EQ(run.one("validate.invalid-url").line, 12);
  EXPECT_EQ(run.one("validate.invalid-region").line, 13);
}

TEST(Validate, AwsExpirationIsKnownAndMustBeATime) {
  Checked good("", "[t]\naws_session_token = tok\naws_expiration = 2030-01-01T00:00:00Z\n");
  EXPECT_TRUE(good.findings.empty()) << format_diagnostic_line(good.findings[0]);
  Checked bad("[profile t]\naws_expiration = soon\n");
  EXPECT_EQ(bad.one("validate.invalid-type").line, 2);
  EXPECT_TRUE(bad.of("validate.unknown-key").empty());
}

TEST(Validate, UnknownRegionsAreWarnedWithTheNearestKnownOnes) {
  Checked run(
      "[default]\nregion = eu-centrl-1\n[profile a]\nregion = us-east-7\n[profile b]\nregion = eu-central-1\n"
      "[profile c]\nregion = cn-northwest-1\n[profile d]\nregion = us-gov-west-1\n[profile e]\nregion = "
      "local\n"
      "[profile f]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = R\n"
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = ap-southeast-9\n");
  auto unknown = run.of("validate.unknown-region");
  ASSERT_EQ(unknown.size(), 4u);
  EXPECT_EQ(unknown[0]->severity, Severity::warning);
  EXPECT_EQ(unknown[0]->line, 2);
  EXPECT_EQ(unknown[0]->column, 10);
  EXPECT_NE(unknown[0]->message.find("unknown region 'eu-centrl-1'; did you mean 'eu-central-1'?"),
            std::string::npos)
      << unknown[0]->message;
  EXPECT_NE(unknown[0]->message.find("'aws' partition"), std::string::npos) << unknown[0]->message;
  EXPECT_NE(unknown[1]->message.find("did you mean 'us-east-1' or 'us-east-2'?"), std::string::npos)
      << unknown[1]->message;
  // Matches no partition's pattern, and nothing is near: no suggestion.
  EXPECT_EQ(unknown[2]->line, 12);
  EXPECT_EQ(unknown[2]->message.find("did you mean"), std::string::npos) << unknown[2]->message;
  EXPECT_NE(unknown[2]->message.find("nor of the form of any partition's region names"), std::string::npos);
  EXPECT_EQ(unknown[3]->line, 19);  // sso_region is a region too
  EXPECT_TRUE(run.of("validate.invalid-region").empty());
}

TEST(Validate, MfaSerialMayBeAHardwareSerial) {
  Checked run("[default]\nmfa_serial = GAHT12345678\n");
  EXPECT_TRUE(run.of("validate.invalid-arn").empty());
}

TEST(Validate, WrongFileAndWrongSectionType) {
  Checked run(
      "[default]\nsso_registration_scopes = sso:account:access\n[sso-session s]\nsso_start_url = https://x\n"
      "sso_region = us-east-1\nregion = us-east-1\n",
      "[default]\noutput = json\n");
  auto wrong_section = run.of("validate.wrong-section-type");
  ASSERT_EQ(wrong_section.size(), 2u);
  EXPECT_EQ(wrong_section[0]->line, 2);
  EXPECT_EQ(wrong_section[1]->line, 6);
  EXPECT_EQ(run.one("validate.wrong-file").path, "credentials");
}

TEST(Validate, SourceProfileRules) {
  Checked run(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = missing\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
      "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = d\n"
      "[profile d]\nrole_arn = arn:aws:iam::1:role/d\nsource_profile = b\n"
      "[profile e]\nrole_arn = arn:aws:iam::1:role/e\nsource_profile = e\n"
      "[profile f]\nrole_arn = arn:aws:iam::1:role/f\nsource_profile = f\naws_access_key_id = A\n"
      "aws_secret_access_key = S\n"
      "[profile g]\nrole_arn = arn:aws:iam::1:role/g\nsource_profile = f\ncredential_source = Environment\n"
      "[profile h]\nrole_arn = arn:aws:iam::1:role/h\n"
      "[profile i]\nrole_arn = arn:aws:iam::1:role/i\nweb_identity_token_file = /t\n");
  EXPECT_EQ(run.one("validate.missing-source-profile").line, 3);
  auto cycles = run.of("validate.source-profile-cycle");
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_EQ(cycles[0]->line, 6);
  EXPECT_NE(cycles[0]->message.find("b -> c -> d -> b"), std::string::npos);
  EXPECT_EQ(cycles[1]->line, 15);
  EXPECT_NE(cycles[1]->message.find("e -> e"), std::string::npos);
  EXPECT_EQ(run.one("validate.source-profile-and-credential-source").line, 24);
  EXPECT_EQ(run.one("validate.role-without-source").line, 26);
  EXPECT_TRUE(run.of("validate.static-keys-ignored").empty());  // f names itself: its keys are used
}

TEST(Validate, StaticKeysBesideRoleArnAreIgnored) {
  Checked run("[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = default\n[default]\n",
              "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = s3cr3tvalue\n");
  const Diagnostic& d = run.one("validate.static-keys-ignored");
  EXPECT_EQ(d.path, "credentials");
  EXPECT_EQ(d.line, 2);
}

TEST(Validate, SsoRules) {
  Checked run(
      "[profile a]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n"
      "[profile b]\nsso_account_id = 123456789012\nsso_role_name = r\nsso_region = us-east-1\n"
      "[profile c]\nsso_session = s\nsso_account_id = 123456789012\nsso_role_name = r\n"
      "sso_region = eu-west-1\n[sso-session s]\nsso_start_url = https://x.example\nsso_region = us-east-1\n"
      "[sso-session t]\nsso_region = us-east-1\n");
  EXPECT_EQ(run.one("validate.missing-sso-session").line, 2);
  auto incomplete = run.of("validate.incomplete-sso");
  ASSERT_EQ(incomplete.size(), 2u);
  EXPECT_EQ(incomplete[0]->line, 5);
  EXPECT_NE(incomplete[0]->message.find("missing sso_start_url"), std::string::npos);
  EXPECT_EQ(incomplete[1]->line, 17);
  const Diagnostic& mismatch = run.one("validate.sso-session-mismatch");
  EXPECT_EQ(mismatch.line, 13);
  EXPECT_NE(mismatch.message.find("'eu-west-1' here but 'us-east-1'"), std::string::npos);
}

TEST(Validate, CredentialProcessRules) {
  Checked quoting("[default]\ncredential_process = \"/bin/helper --x\n");
  EXPECT_EQ(quoting.one("validate.credential-process-quoting").column, 22);
  Checked tilde("[default]\ncredential_process = ~/bin/helper\n");
  EXPECT_EQ(tilde.of("validate.credential-process-expansion").size(), 1u);
  Checked variable("[default]\ncredential_process = /bin/helper --token ${TOKEN_FILE}\n");
  EXPECT_NE(variable.one("validate.credential-process-expansion").message.find("${TOKEN_FILE}"),
            std::string::npos);
  Checked fine("[default]\ncredential_process = \"/opt/my tools/helper\" --profile 'a b' --cost 5$\n");
  EXPECT_TRUE(fine.of("validate.credential-process-expansion").empty());
  EXPECT_TRUE(fine.of("validate.credential-process-quoting").empty());
}

TEST(Validate, DialectDivergenceSaysWhatEachSideReads) {
  Checked comment("[default]\nregion = us-east-1 # main\n");
  const Diagnostic& d = comment.one("validate.dialect-divergence");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.severity, Severity::warning);
  EXPECT_NE(d.message.find("the AWS CLI reads 'us-east-1 # main'; the AWS SDKs read 'us-east-1'"),
            std::string::npos);
  Checked colon("[default]\noutput : json\n");
  const Diagnostic& whole = colon.one("validate.dialect-divergence");
  EXPECT_EQ(whole.line, 2);
  EXPECT_NE(whole.message.find("the AWS CLI reads the file; the AWS SDKs refuse the whole file"),
            std::string::npos);
  Checked both("[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\n");
  EXPECT_EQ(both.of("validate.dialect-divergence").size(), 0u);  // the later one wins in both readings
  Checked earlier("[profile default]\nregion = eu-west-1\n[default]\nregion = us-east-1\n");
  EXPECT_EQ(earlier.of("validate.dialect-divergence").size(), 1u);
}

TEST(Validate, ABlockWithABlankLineIsReadAlikeByBothDialects) {
  // Both readers skip the blank line and read the same two sub-properties: no divergence (the
  // finder used to compare the blocks' raw text and report "a block of 2 ... a block of 2").
  Checked run(
      "[default]\ns3 =\n  max_concurrent_requests = 2\n\n  addressing_style = path\nregion = us-east-1\n");
  EXPECT_TRUE(run.of("validate.dialect-divergence").empty())
      << run.of("validate.dialect-divergence")[0]->message;
}

TEST(Validate, DialectMessagesAreOneLine) {
  Checked run("[default]\ncli_pager = a # x\n  b ; c\n");
  const Diagnostic& divergence = run.one("validate.dialect-divergence");
  EXPECT_EQ(divergence.message.find('\n'), std::string::npos) << divergence.message;
  EXPECT_NE(divergence.message.find("reads 'a # x\\nb ; c'; the AWS SDKs read 'a\\nb ; c'"),
            std::string::npos)
      << divergence.message;
  EXPECT_NE(divergence.message.find("inline comment"), std::string::npos) << divergence.message;
}

TEST(Validate, SecretsNeverAppearInMessages) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  Checked run("[default]\naws_secret_access_key = " + secret + " # old\n[profile x]\nsso_session = s\n",
              "[default]\naws_secret_access_key = " + secret + "\naws_secret_access_key = " + secret + "x\n");
  ASSERT_FALSE(run.findings.empty());
  for (const Diagnostic& d : run.findings)
    EXPECT_EQ(d.message.find("EXAMPLEKEY"), std::string::npos) << d.message;
}

TEST(Validate, FindingsAreSortedConfigFirst) {
  Checked run("[default]\nb = 1\na = 2\n", "[default]\nzz = 1\n");
  ASSERT_EQ(run.findings.size(), 3u);
  EXPECT_EQ(run.findings[0].line, 2);
  EXPECT_EQ(run.findings[1].line, 3);
  EXPECT_EQ(run.findings[2].path, "credentials");
}

TEST(Validate, MissingFilesAreEmpty) {
  Diagnostics findings =
      validate({"config", nullptr}, {"credentials", nullptr}, Dialect::cli, builtin_catalogue());
  EXPECT_TRUE(findings.empty());
}

}  // namespace validate_test
}  // namespace awsprof
