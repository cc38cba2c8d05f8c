#include "awsprof/edit/credential_import.hpp"

#include <gtest/gtest.h>

#include <map>

namespace awsprof {
namespace credential_import_test {

ConfigFiles files(std::string config, std::string credentials = "") {
  return ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

constexpr const char* kConsoleCsv =
    "User name,Password,Access key ID,Secret access key,Console login link\n"
    "alice,pw,AKIAALICE,secretalice1,https://x\n"
    "bob,,AKIABOB,secretbob2,\n";

TEST(CredentialImport, ReadsTheUserNameForm) {
  auto csv = parse_credentials_csv(kConsoleCsv, {});
  ASSERT_TRUE(csv) << csv.message();
  ASSERT_EQ(csv->credentials.size(), 2u);
  EXPECT_EQ(csv->credentials[0].profile, "alice");
  EXPECT_EQ(csv->credentials[0].access_key_id, "AKIAALICE");
  EXPECT_EQ(csv->credentials[0].secret_access_key, "secretalice1");
  EXPECT_EQ(csv->credentials[1].profile, "bob");
  EXPECT_EQ(csv->credentials[1].line, 3);
}

TEST(CredentialImport, HandlesBomCrlfAndQuotedFields) {
  auto csv = parse_credentials_csv(
      "\xEF\xBB\xBF\"User name\",\"Access key ID\",\"Secret access key\"\r\n"
      "\"o'brien, jr\",\"AKIA1\",\"se\"\"cret\"\r\n\r\n",
      {std::nullopt, "p-", false});
  ASSERT_TRUE(csv) << csv.message();
  ASSERT_EQ(csv->credentials.size(), 1u);
  EXPECT_EQ(csv->credentials[0].profile, "p-o'brien, jr");
  EXPECT_EQ(csv->credentials[0].secret_access_key, "se\"cret");
}

TEST(CredentialImport, TwoColumnFormNeedsAProfile) {
  std::string text = "Access key ID,Secret access key\nAKIA2,secret2\n";
  EXPECT_FALSE(parse_credentials_csv(text, {}));
  auto csv = parse_credentials_csv(text, {"dev", "team-", false});
  ASSERT_TRUE(csv) << csv.message();
  EXPECT_EQ(csv->credentials.at(0).profile, "team-dev");
  EXPECT_FALSE(parse_credentials_csv(text + "AKIA3,secret3\n", {"dev", "", false}));
  EXPECT_FALSE(parse_credentials_csv(kConsoleCsv, {"dev", "", false}));
}

TEST(CredentialImport, InvalidRowsFailUnlessSkipped) {
  std::string text = std::string(kConsoleCsv) + "carol,,,secret3,\n";
  auto strict = parse_credentials_csv(text, {});
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.message(), "entry #3 (line 4): no value for \"Access key ID\"");
  EXPECT_EQ(strict.message().find("secret3"), std::string::npos);
  auto lenient = parse_credentials_csv(text, {std::nullopt, "", true});
  ASSERT_TRUE(lenient);
  EXPECT_EQ(lenient->credentials.size(), 2u);
  ASSERT_EQ(lenient->skipped.size(), 1u);
  EXPECT_EQ(lenient->skipped[0].entry, 3);
}

TEST(CredentialImport, HeaderErrors) {
  EXPECT_EQ(parse_credentials_csv("  \n", {}).message(), "the CSV file is empty");
  EXPECT_EQ(parse_credentials_csv("User name,Secret access key\nx,y\n", {}).message(),
            "expected header \"Access key ID\" not found on line 1");
  EXPECT_EQ(parse_credentials_csv("User name,Access key ID,Secret access key\n\"x,y\n", {}).message(),
            "line 2: a quoted field is not closed");
}

TEST(CredentialImport, ParsesStsJson) {
  auto c = parse_sts_json(R"({"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s3cr3t",
      "SessionToken": "tok", "Expiration": "2030-01-01T00:00:00+00:00"}})",
                          "x.json", "mfa");
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->profile, "mfa");
  EXPECT_EQ(c->session_token, "tok");
  EXPECT_EQ(c->expiration, "2030-01-01T00:00:00+00:00");
  auto bad =
      parse_sts_json("{\"Credentials\": {\"AccessKeyId\": \"ASIA1\", \"SecretAccessKey\": \"hidden-value\"",
                     "x.json", "mfa");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.message().find("hidden-value"), std::string::npos);
  EXPECT_EQ(parse_sts_json("{\"Credentials\": {\"AccessKeyId\": \"A\"}}", "x.json", "p").message(),
            "x.json: Credentials.SecretAccessKey is missing");
  EXPECT_FALSE(parse_sts_json("[]", "x.json", "p"));
}

TEST(CredentialImport, ReadsTheEnvironment) {
  std::map<std::string, std::string> vars{
      {"AWS_ACCESS_KEY_ID", "AKIA9"}, {"AWS_SECRET_ACCESS_KEY", "sk9"}, {"AWS_SESSION_TOKEN", "tok9"}};
  EnvLookup env = [&vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto c = credentials_from_environment(env, "p");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->session_token, "tok9");
  vars.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_FALSE(credentials_from_environment(env, "p"));
}

TEST(CredentialImport, NeverOverwritesWithoutOverwrite) {
  auto f = files(
      "", "[dev]\naws_access_key_id = OLD1\naws_secret_access_key = oldsecret\naws_session_token = oldtok\n");
  std::vector<ImportedCredential> creds{{"dev", "NEW1", "newsecret", "", "", 0}};
  ImportReport report;
  Status s = import_credentials(f, Dialect::cli, creds, false, "c", "k", report);
  ASSERT_FALSE(s);
  EXPECT_EQ(report.conflicts.size(), 3u);  // both keys, and the token that would be removed
  EXPECT_EQ(
      f.credentials.text(),
      "[dev]\naws_access_key_id = OLD1\naws_secret_access_key = oldsecret\naws_session_token = oldtok\n");
  for (const KeyConflict& c : report.conflicts) EXPECT_EQ(c.current.find("oldsecret"), std::string::npos);
  ASSERT_TRUE(import_credentials(f, Dialect::cli, creds, true, "c", "k", report));
  EXPECT_EQ(f.credentials.text(), "[dev]\naws_access_key_id = NEW1\naws_secret_access_key = newsecret\n");
  EXPECT_EQ(report.profiles.at(0).action, ImportAction::updated);
  // Again: nothing changes.
  ASSERT_TRUE(import_credentials(f, Dialect::cli, creds, false, "c", "k", report));
  EXPECT_EQ(report.profiles.at(0).action, ImportAction::unchanged);
}

TEST(CredentialImport, KeepsTheExpirationBesideTheSessionToken) {
  auto f = files("");
  std::vector<ImportedCredential> creds{{"mfa", "ASIA1", "s3cr3t", "tok1", "2030-01-01T00:00:00+00:00", 0}};
  ImportReport report;
  ASSERT_TRUE(import_credentials(f, Dialect::cli, creds, false, "c", "k", report));
  EXPECT_EQ(f.credentials.text(),
            "[mfa]\naws_access_key_id = ASIA1\naws_secret_access_key = s3cr3t\naws_session_token = tok1\n"
            "aws_expiration = 2030-01-01T00:00:00+00:00\n");
  EXPECT_EQ(f.config.text(), "");
  // New long-term keys take the token and its expiration away with them.
  std::vector<ImportedCredential> long_term{{"mfa", "AKIA2", "other", "", "", 0}};
  ASSERT_TRUE(import_credentials(f, Dialect::cli, long_term, true, "c", "k", report));
  EXPECT_EQ(f.credentials.text(), "[mfa]\naws_access_key_id = AKIA2\naws_secret_access_key = other\n");
}

TEST(CredentialImport, RefusesAnExpirationThatIsNotATime) {
  auto bad = parse_sts_json(R"({"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s",
      "SessionToken": "t", "Expiration": "tomorrow"}})",
                            "x.json", "mfa");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.message(), "x.json: Credentials.Expiration \"tomorrow\" is not an ISO 8601 time");
  EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ACCESS_KEY_ID") return "AKIA9";
    if (name == "AWS_SECRET_ACCESS_KEY") return "sk9";
    if (name == "AWS_CREDENTIAL_EXPIRATION") return "soon";
    return std::nullopt;
  };
  EXPECT_EQ(credentials_from_environment(env, "p").message(),
            "AWS_CREDENTIAL_EXPIRATION \"soon\" is not an ISO 8601 time");
}

TEST(CredentialImport, AddsNewProfilesMasked) {
  auto f = files("[profile dev]\nregion = x\n");
  std::vector<ImportedCredential> creds{{"dev", "AKIADEVKEY", "devsecretvalue", "devtoken1234", "", 0}};
  ImportReport report;
  ASSERT_TRUE(import_credentials(f, Dialect::cli, creds, false, "c", "k", report));
  EXPECT_EQ(f.credentials.text(),
            "[dev]\naws_access_key_id = AKIADEVKEY\naws_secret_access_key = "
            "devsecretvalue\naws_session_token = devtoken1234\n");
  EXPECT_EQ(report.profiles.at(0).action, ImportAction::added);
  EXPECT_EQ(report.profiles.at(0).keys.at(1).second, "****************alue");
}

ProfileModel baseline_model(const Document& document) {
  return build_profile_model({"team.config", &document}, {"", nullptr}, Dialect::cli);
}

TEST(BaselineMerge, AddsMissingAndKeepsConflicts) {
  Document team = Document::parse(
      "[profile dev]\nregion = eu-west-1\noutput = json\ns3 =\n  max_concurrent_requests = 20\n"
      "[sso-session corp]\nsso_region = eu-west-1\n[services local]\nsts =\n  endpoint_url = http://x\n");
  ProfileModel baseline = baseline_model(team);
  auto f = files("[profile dev]\nregion = us-east-1\n");
  MergeReport report;
  ASSERT_TRUE(merge_baseline(f, Dialect::cli, baseline, OnConflict::keep, "c", "k", report));
  EXPECT_EQ(report.conflicts.size(), 1u);
  EXPECT_FALSE(report.conflicts[0].taken);
  EXPECT_EQ(report.added_sections.size(), 2u);
  std::string once = f.config.text();
  EXPECT_NE(once.find("region = us-east-1"), std::string::npos);
  EXPECT_NE(once.find("[sso-session corp]"), std::string::npos);
  EXPECT_EQ(once.find("awsprof"), std::string::npos);  // no marker keys
  ASSERT_TRUE(merge_baseline(f, Dialect::cli, baseline, OnConflict::keep, "c", "k", report));
  EXPECT_EQ(f.config.text(), once);
  EXPECT_FALSE(report.changed());
}

TEST(BaselineMerge, TheirsAndFail) {
  Document team = Document::parse("[profile dev]\nregion = eu-west-1\n");
  ProfileModel baseline = baseline_model(team);
  auto f = files("[profile dev]\nregion = us-east-1\n", "[dev]\nregion = ap-south-1\n");
  MergeReport report;
  EXPECT_FALSE(merge_baseline(f, Dialect::cli, baseline, OnConflict::fail, "c", "k", report));
  EXPECT_EQ(report.conflicts.size(), 1u);
  EXPECT_EQ(f.credentials.text(), "[dev]\nregion = ap-south-1\n");
  ASSERT_TRUE(merge_baseline(f, Dialect::cli, baseline, OnConflict::theirs, "c", "k", report));
  // The value the CLI reads (the credentials file's) is the one replaced.
  EXPECT_EQ(f.credentials.text(), "[dev]\nregion = eu-west-1\n");
  EXPECT_EQ(f.config.text(), "[profile dev]\nregion = us-east-1\n");
}

// Import writes where the AWS CLI reads: "[ dev ]" in the credentials file is the profile " dev "
// to the CLI, and "[ profile dev ]" in the config file is no profile at all, so neither is the
// profile dev; new sections are added (with a note), and the look-alikes are left as they are.
TEST(CredentialImport, WritesTheSectionsTheCliReadsNotLookAlikes) {
  auto f = files("", "[ dev ]\naws_access_key_id = OTHER\n");
  std::vector<ImportedCredential> creds{{"dev", "AKIADEVKEY", "devsecretvalue", "", "", 0}};
  ImportReport report;
  ASSERT_TRUE(import_credentials(f, Dialect::cli, creds, false, "c", "k", report));
  EXPECT_EQ(f.credentials.text(),
            "[ dev ]\naws_access_key_id = OTHER\n\n[dev]\naws_access_key_id = AKIADEVKEY\n"
            "aws_secret_access_key = devsecretvalue\n");
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].file, FileKind::credentials);
  EXPECT_EQ(f.notes[0].line, 1);
}

TEST(BaselineMerge, WritesTheSectionsTheCliReadsNotLookAlikes) {
  Document team = Document::parse("[profile dev]\nregion = eu-west-1\n");
  ProfileModel baseline = baseline_model(team);
  auto f = files("[ profile dev ]\nregion = us-east-1\n");
  MergeReport report;
  ASSERT_TRUE(merge_baseline(f, Dialect::cli, baseline, OnConflict::keep, "c", "k", report));
  EXPECT_EQ(f.config.text(), "[ profile dev ]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n");
  EXPECT_TRUE(report.conflicts.empty()) << "the CLI reads no profile dev in the user's files";
  // In the SDK dialect "[ profile dev ]" is the profile dev: its value is a conflict, kept.
  auto g = files("[ profile dev ]\nregion = us-east-1\n");
  ASSERT_TRUE(merge_baseline(g, Dialect::sdk, baseline, OnConflict::keep, "c", "k", report));
  EXPECT_EQ(g.config.text(), "[ profile dev ]\nregion = us-east-1\n");
  EXPECT_EQ(report.conflicts.size(), 1u);
}

}  // namespace credential_import_test
}  // namespace awsprof
