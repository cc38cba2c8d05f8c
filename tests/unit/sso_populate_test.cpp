#include "awsprof/edit/sso_populate.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace sso_populate_test {

constexpr const char* kSession =
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
constexpr const char* kUrl = "https://corp.awsapps.com/start";

SsoListing listing(std::vector<SsoAccountRoles> accounts) {
  return SsoListing{std::move(accounts), {}};
}

PopulateOptions options(std::string_view template_text = "{account_name}.{role_name}") {
  PopulateOptions o;
  o.session = "corp";
  o.name_template = *ProfileNameTemplate::parse(template_text);
  o.today = "2025-02-03";
  return o;
}

std::string marker(std::string_view account, std::string_view role, std::string_view name,
                   std::string_view extra = "") {
  return "awsprof_generated = sso-session=corp start-url=" + std::string(kUrl) +
         " account=" + std::string(account) + " role=" + std::string(role) + " name=" + std::string(name) +
         std::string(extra) + "\n";
}

std::string generated(std::string_view name, std::string_view account, std::string_view role,
                      std::string_view region = "") {
  std::string text = "[profile " + std::string(name) +
                     "]\nsso_session = corp\nsso_account_id = " + std::string(account) +
                     "\nsso_role_name = " + std::string(role) + "\n";
  if (!region.empty()) text += "region = " + std::string(region) + "\n";
  return text + marker(account, role, name, region.empty() ? "" : " region=" + std::string(region));
}

struct Populated {
  ConfigFiles files;
  PopulateReport report;
  Status status;
};

Populated populate(std::string config, const SsoListing& accounts, const PopulateOptions& o = options(),
                   std::string credentials = "") {
  Populated run{
      ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))}, {}, {}};
  run.status = populate_profiles(run.files, accounts, o, run.report);
  return run;
}

const PopulatedProfile* entry(const PopulateReport& report, std::string_view name) {
  for (const PopulatedProfile& p : report.profiles)
    if (p.name == name) return &p;
  return nullptr;
}

const SsoListing kTwoAccounts = listing(
    {{{"111111111111", "prod", ""}, {"Admin", "ReadOnly"}}, {{"222222222222", "dev", ""}, {"Admin"}}});

TEST(SsoPopulate, WritesOneSessionProfilePerAccountAndRole) {
  Populated run = populate(kSession, kTwoAccounts);
  ASSERT_TRUE(run.status) << run.status.message();
  EXPECT_EQ(run.files.config.text(), std::string(kSession) + "\n" +
                                         generated("prod.Admin", "111111111111", "Admin") + "\n" +
                                         generated("prod.ReadOnly", "111111111111", "ReadOnly") + "\n" +
                                         generated("dev.Admin", "222222222222", "Admin"));
  EXPECT_EQ(run.files.credentials.text(), "");
  EXPECT_EQ(run.report.count(PopulateAction::created), 3);
  EXPECT_EQ(run.report.accounts, 2);
  EXPECT_EQ(run.report.roles, 3);
  EXPECT_EQ(run.report.profiles.front().name, "dev.Admin");  // sorted by name

  // The AWS CLI reads every one back in the refreshable form.
  ProfileModel model =
      build_profile_model({"config", &run.files.config}, {"credentials", nullptr}, Dialect::cli);
  EXPECT_TRUE(model.diagnostics.empty());
  const Section* profile = model.find_profile("prod.ReadOnly");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->find("sso_session")->value, "corp");
  EXPECT_EQ(profile->find("sso_start_url"), nullptr);
}

TEST(SsoPopulate, ARerunWithNothingNewChangesNoByte) {
  Populated first = populate(kSession, kTwoAccounts);
  ASSERT_TRUE(first.status);
  Populated second = populate(first.files.config.text(), kTwoAccounts);
  ASSERT_TRUE(second.status);
  EXPECT_EQ(second.files.config.text(), first.files.config.text());
  EXPECT_EQ(second.report.count(PopulateAction::unchanged), 3);
  EXPECT_EQ(second.report.renamed(), 0);
}

TEST(SsoPopulate, TheUsersEditsSurviveEveryRerun) {
  PopulateOptions o = options();
  o.region = "us-east-1";
  Populated first = populate(kSession, kTwoAccounts, o);
  ASSERT_TRUE(first.status);
  // The user edits a generated profile: a comment, their own keys, a region of their own.
  std::string edited = first.files.config.text();
  auto replace = [&](std::string_view from, std::string_view to) {
    const std::size_t at = edited.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    edited.replace(at, from.size(), to);
  };
  replace("[profile prod.Admin]\n", "# production: careful\n[profile prod.Admin]\n# break glass only\n");
  replace("sso_role_name = Admin\nregion = us-east-1\nawsprof_generated = sso-session=corp start-url=" +
              std::string(kUrl) + " account=111111111111",
          "sso_role_name = Admin\nregion = eu-west-1\noutput = table\ncli_pager =\nawsprof_generated = "
          "sso-session=corp start-url=" +
              std::string(kUrl) + " account=111111111111");
  edited += "s3 =\n  addressing_style = path\n";  // into the last generated profile (dev.Admin)

  for (const char* region : {"us-east-1", "us-west-2"}) {
    o.region = region;
    Populated again = populate(edited, kTwoAccounts, o);
    ASSERT_TRUE(again.status) << again.status.message();
    const std::string& text = again.files.config.text();
    EXPECT_NE(text.find("# production: careful\n[profile prod.Admin]\n# break glass only\n"),
              std::string::npos);
    EXPECT_NE(text.find("region = eu-west-1\noutput = table\ncli_pager =\n"), std::string::npos) << text;
    EXPECT_NE(text.find("s3 =\n  addressing_style = path\n"), std::string::npos);
    const PopulatedProfile* prod = entry(again.report, "prod.Admin");
    ASSERT_NE(prod, nullptr);
    if (std::string_view(region) == "us-west-2") {
      EXPECT_EQ(prod->kept_values, std::vector<std::string>{"region"});
      EXPECT_NE(
          text.find("[profile dev.Admin]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = "
                    "Admin\nregion = us-west-2\n"),
          std::string::npos)
          << text;  // an unedited region follows the run's
      edited = text;
    } else {
      EXPECT_EQ(text, edited);  // nothing new: not a byte changed
      EXPECT_TRUE(prod->kept_values.empty());
    }
  }
  // And once more with the same options: stable.
  Populated last = populate(edited, kTwoAccounts, o);
  EXPECT_EQ(last.files.config.text(), edited);
}

TEST(SsoPopulate, ARenamedAccountRenamesItsProfileAndWhatPointsAtIt) {
  const std::string before =
      std::string(kSession) + "\n" + generated("prod.Admin", "111111111111", "Admin") +
      "\n[profile deploy]\nrole_arn = arn:aws:iam::111111111111:role/Deploy\nsource_profile = "
      "prod.Admin\n";
  Populated run = populate(before, listing({{{"111111111111", "production", ""}, {"Admin"}}}), options(),
                           "[prod.Admin]\n# a credentials section of the same profile\n");
  ASSERT_TRUE(run.status) << run.status.message();
  const std::string& text = run.files.config.text();
  EXPECT_NE(text.find("[profile production.Admin]\n"), std::string::npos);
  EXPECT_EQ(text.find("[profile prod.Admin]"), std::string::npos);
  EXPECT_NE(text.find("source_profile = production.Admin\n"), std::string::npos);
  EXPECT_NE(text.find("name=production.Admin\n"), std::string::npos);
  EXPECT_EQ(run.files.credentials.text(),
            "[production.Admin]\n# a credentials section of the same profile\n");
  const PopulatedProfile* renamed = entry(run.report, "production.Admin");
  ASSERT_NE(renamed, nullptr);
  EXPECT_EQ(renamed->renamed_from, "prod.Admin");
  EXPECT_EQ(renamed->referrers, std::vector<std::string>{"deploy"});
  EXPECT_EQ(renamed->action, PopulateAction::unchanged);
}

TEST(SsoPopulate, AProfileTheUserRenamedKeepsItsName) {
  std::string before = std::string(kSession) + "\n" + generated("prod.Admin", "111111111111", "Admin");
  before.replace(before.find("[profile prod.Admin]"), 20, "[profile prod]");
  for (const char* account_name : {"prod", "production"}) {
    Populated run = populate(before, listing({{{"111111111111", account_name, ""}, {"Admin"}}}));
    ASSERT_TRUE(run.status);
    EXPECT_EQ(run.files.config.text(), before);
    ASSERT_NE(entry(run.report, "prod"), nullptr);
    EXPECT_EQ(entry(run.report, "prod")->action, PopulateAction::unchanged);
  }
}

TEST(SsoPopulate, TwoAccountsOfOneNameAreResolvedPredictably) {
  const SsoListing twins =
      listing({{{"222222222222", "prod", ""}, {"Admin"}}, {{"111111111111", "prod", ""}, {"Admin"}}});
  Populated run = populate(kSession, twins);
  ASSERT_TRUE(run.status);
  // The lowest account id gets the name, the other the name and its account id.
  ASSERT_NE(entry(run.report, "prod.Admin"), nullptr);
  EXPECT_EQ(entry(run.report, "prod.Admin")->account_id, "111111111111");
  const PopulatedProfile* other = entry(run.report, "prod.Admin-222222222222");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->wanted_name, "prod.Admin");
  // A third one later does not take a name already given.
  const SsoListing triplets = listing({{{"222222222222", "prod", ""}, {"Admin"}},
                                       {{"111111111111", "prod", ""}, {"Admin"}},
                                       {{"000000000001", "prod", ""}, {"Admin"}}});
  Populated later = populate(run.files.config.text(), triplets);
  ASSERT_TRUE(later.status);
  EXPECT_EQ(later.report.renamed(), 0);
  EXPECT_EQ(entry(later.report, "prod.Admin")->account_id, "111111111111");
  EXPECT_EQ(entry(later.report, "prod.Admin-000000000001")->action, PopulateAction::created);
  EXPECT_EQ(populate(later.files.config.text(), triplets).files.config.text(), later.files.config.text());
}

TEST(SsoPopulate, ANameTakenByTheUsersProfileIsNotTouched) {
  const std::string before =
      std::string(kSession) + "\n[profile prod.Admin]\nregion = eu-west-1\n\n[default]\n";
  Populated second =
      populate(before, listing({{{"111111111111", "prod.Admin", ""}, {"Admin"}}}), options("{account_name}"));
  ASSERT_TRUE(second.status);
  EXPECT_EQ(second.files.config.text().substr(0, before.size()), before);
  ASSERT_NE(entry(second.report, "prod.Admin-111111111111"), nullptr);
  EXPECT_EQ(entry(second.report, "prod.Admin-111111111111")->wanted_name, "prod.Admin");
  // "default" is never generated.
  Populated third =
      populate(kSession, listing({{{"111111111111", "default", ""}, {"Admin"}}}), options("{account_name}"));
  ASSERT_TRUE(third.status);
  EXPECT_NE(entry(third.report, "default-111111111111"), nullptr);
}

TEST(SsoPopulate, SwappedAccountNamesTradeProfileNames) {
  const std::string before = std::string(kSession) + "\n" + generated("a.Admin", "111111111111", "Admin") +
                             "\n" + generated("b.Admin", "222222222222", "Admin") +
                             "\n[profile x]\nsource_profile = a.Admin\nrole_arn = arn:aws:iam::1:role/x\n";
  Populated run = populate(
      before, listing({{{"111111111111", "b", ""}, {"Admin"}}, {{"222222222222", "a", ""}, {"Admin"}}}));
  ASSERT_TRUE(run.status) << run.status.message();
  EXPECT_EQ(entry(run.report, "b.Admin")->account_id, "111111111111");
  EXPECT_EQ(entry(run.report, "a.Admin")->account_id, "222222222222");
  EXPECT_NE(run.files.config.text().find("source_profile = b.Admin"), std::string::npos);
  EXPECT_EQ(run.files.config.text().find("awsprof-renaming"), std::string::npos);
}

TEST(SsoPopulate, StaleProfilesAreMarkedAndPrunedOnlyWhenAsked) {
  const std::string before =
      std::string(kSession) + "\n" + generated("prod.Admin", "111111111111", "Admin") + "\n" +
      generated("old.Admin", "999999999999", "Admin") + "\n" +
      // another session's profile and a hand-written one: never pruned
      "[profile other]\nsso_session = other\nsso_account_id = 999999999999\nsso_role_name = "
      "Admin\nawsprof_generated = sso-session=other start-url=" +
      kUrl +
      " account=999999999999 role=Admin name=other\n\n[profile mine]\nsso_session = "
      "corp\nsso_account_id = 888888888888\nsso_role_name = Admin\n";
  const SsoListing now = listing({{{"111111111111", "prod", ""}, {"Admin"}}});
  Populated kept = populate(before, now);
  ASSERT_TRUE(kept.status);
  EXPECT_NE(kept.files.config.text().find("name=old.Admin stale-since=2025-02-03\n"), std::string::npos);
  EXPECT_EQ(entry(kept.report, "old.Admin")->action, PopulateAction::stale);
  // Marked once: the next day's run changes nothing.
  PopulateOptions tomorrow = options();
  tomorrow.today = "2025-02-04";
  EXPECT_EQ(populate(kept.files.config.text(), now, tomorrow).files.config.text(), kept.files.config.text());

  PopulateOptions prune = options();
  prune.prune = true;
  Populated pruned = populate(kept.files.config.text(), now, prune);
  ASSERT_TRUE(pruned.status);
  const std::string& text = pruned.files.config.text();
  EXPECT_EQ(text.find("old.Admin"), std::string::npos);
  EXPECT_NE(text.find("[profile other]"), std::string::npos);
  EXPECT_NE(text.find("[profile mine]"), std::string::npos);
  EXPECT_EQ(entry(pruned.report, "old.Admin")->action, PopulateAction::pruned);
  EXPECT_EQ(pruned.report.count(PopulateAction::pruned), 1);

  // A role that comes back loses its mark.
  Populated back = populate(kept.files.config.text(), listing({{{"111111111111", "prod", ""}, {"Admin"}},
                                                               {{"999999999999", "old", ""}, {"Admin"}}}));
  EXPECT_EQ(back.files.config.text(), before);
  EXPECT_EQ(entry(back.report, "old.Admin")->action, PopulateAction::updated);
}

TEST(SsoPopulate, ProfilesOfAnotherStartUrlAreStale) {
  const std::string before = std::string(kSession) +
                             "\n[profile prod.Admin]\nsso_session = corp\nsso_account_id = "
                             "111111111111\nsso_role_name = Admin\nawsprof_generated = "
                             "sso-session=corp start-url=https://old.awsapps.com/start "
                             "account=111111111111 role=Admin name=prod.Admin\n";
  Populated run = populate(before, listing({{{"111111111111", "prod", ""}, {"Admin"}}}));
  ASSERT_TRUE(run.status);
  EXPECT_EQ(entry(run.report, "prod.Admin")->action, PopulateAction::stale);
  EXPECT_EQ(entry(run.report, "prod.Admin-111111111111")->action, PopulateAction::created);
}

TEST(SsoPopulate, AHandWrittenProfileOfTheSameRoleIsLeftToTheUser) {
  const std::string before =
      std::string(kSession) +
      "\n[profile prod]\nsso_start_url = https://corp.awsapps.com/start/\nsso_region = "
      "us-east-1\nsso_account_id = 111111111111\nsso_role_name = Admin\n";
  Populated run = populate(before, listing({{{"111111111111", "prod", ""}, {"Admin", "ReadOnly"}}}));
  ASSERT_TRUE(run.status);
  EXPECT_EQ(run.report.count(PopulateAction::created), 1);
  const PopulatedProfile* skipped = entry(run.report, "prod");
  ASSERT_NE(skipped, nullptr);
  EXPECT_EQ(skipped->action, PopulateAction::skipped);
  EXPECT_EQ(skipped->note, "already configured by the hand-written profile 'prod'");
  EXPECT_EQ(run.files.config.text().substr(0, before.size()), before);
}

const std::string kForeign = std::string(kSession) + R"(
[profile prod/Admin]
granted_sso_start_url = https://corp.awsapps.com/start
granted_sso_region = us-east-1
granted_sso_account_id = 111111111111
granted_sso_role_name = Admin
common_fate_generated_from = aws-sso
credential_process = granted credential-process --profile prod/Admin
region = eu-west-1

[profile dev.Admin]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_account_name = dev
sso_account_id = 222222222222
sso_role_name = Admin
region = us-east-1
output = json
sso_auto_populated = true

# BEGIN_AWS_SSO_CLI

[profile 333333333333:Admin]
credential_process = /usr/bin/aws-sso -S "Default" process --arn arn:aws:iam::333333333333:role/Admin
region = us-east-2

# END_AWS_SSO_CLI
)";
const SsoListing kThree = listing({{{"111111111111", "prod", ""}, {"Admin"}},
                                   {{"222222222222", "dev", ""}, {"Admin"}},
                                   {{"333333333333", "ops", ""}, {"Admin"}}});

TEST(SsoPopulate, OtherToolsProfilesAreReportedNotDuplicated) {
  Populated run = populate(kForeign, kThree);
  ASSERT_TRUE(run.status);
  EXPECT_EQ(run.files.config.text(), kForeign);
  EXPECT_EQ(run.report.count(PopulateAction::skipped), 3);
  EXPECT_EQ(entry(run.report, "prod/Admin")->note,
            "generated by granted as 'prod/Admin'; --adopt takes it over");
  EXPECT_EQ(entry(run.report, "333333333333:Admin")->note,
            "generated by aws-sso-cli as '333333333333:Admin'; --adopt takes it over");
}

TEST(SsoPopulate, AdoptionTakesOtherToolsProfilesOverKeepingTheUsersKeys) {
  PopulateOptions o = options("{account_name}/{role_name}");  // granted's names: no rename for its profiles
  o.adopt = true;
  Populated run = populate(kForeign, kThree, o);
  ASSERT_TRUE(run.status) << run.status.message();
  const std::string expected = std::string(kSession) + R"(
[profile prod/Admin]
region = eu-west-1
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
)" + marker("111111111111", "Admin", "prod/Admin") +
                               R"(
[profile dev/Admin]
sso_account_id = 222222222222
sso_role_name = Admin
region = us-east-1
output = json
sso_session = corp
)" + marker("222222222222", "Admin", "dev/Admin") +
                               R"(
# BEGIN_AWS_SSO_CLI

# END_AWS_SSO_CLI

[profile ops/Admin]
region = us-east-2
sso_session = corp
sso_account_id = 333333333333
sso_role_name = Admin
)" + marker("333333333333", "Admin", "ops/Admin");
  EXPECT_EQ(run.files.config.text(), expected);
  EXPECT_EQ(run.report.count(PopulateAction::adopted), 3);
  EXPECT_EQ(entry(run.report, "dev/Admin")->renamed_from, "dev.Admin");
  EXPECT_EQ(entry(run.report, "ops/Admin")->renamed_from, "333333333333:Admin");
  // Adopted profiles are generated ones from now on.
  Populated again = populate(run.files.config.text(), kThree, o);
  EXPECT_EQ(again.files.config.text(), expected);
  EXPECT_EQ(again.report.count(PopulateAction::unchanged), 3);
}

TEST(SsoPopulate, AFailureChangesNothing) {
  ConfigFiles files{Document::parse("[profile x]\nregion = a\n"), Document::parse("")};
  PopulateReport report;
  Status s = populate_profiles(files, kTwoAccounts, options(), report);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "the config file has no [sso-session corp] section");
  EXPECT_EQ(files.config.text(), "[profile x]\nregion = a\n");
  EXPECT_TRUE(report.profiles.empty());

  Populated unparseable =
      populate(std::string(kSession) + "[profile x]\na = 1\n[profile x]\na = 2\n", kTwoAccounts);
  ASSERT_FALSE(unparseable.status);
  EXPECT_EQ(unparseable.status.message(), "the config file cannot be parsed by the AWS CLI");

  Populated empty_name =
      populate(kSession, listing({{{"111111111111", "prod", ""}, {"Admin"}}}), options("{region}"));
  ASSERT_FALSE(empty_name.status);
  EXPECT_EQ(empty_name.status.message(),
            "the name template '{region}' gives an empty name for role Admin of account 111111111111");
  EXPECT_EQ(empty_name.files.config.text(), kSession);
}

TEST(SsoPopulate, KeepsTheFilesLineEndings) {
  std::string crlf =
      "[sso-session corp]\r\nsso_start_url = https://corp.awsapps.com/start\r\nsso_region = "
      "us-east-1";  // no final line ending either
  Populated run = populate(crlf, listing({{{"111111111111", "prod", ""}, {"Admin"}}}));
  ASSERT_TRUE(run.status);
  const std::string& text = run.files.config.text();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), std::count(text.begin(), text.end(), '\r'));
  EXPECT_NE(text.back(), '\n');
  EXPECT_EQ(populate(text, listing({{{"111111111111", "prod", ""}, {"Admin"}}})).files.config.text(), text);
  PopulateOptions o = options();
  o.region = "eu-west-1";
  Populated updated = populate(text, listing({{{"111111111111", "prod", ""}, {"Admin"}}}), o);
  EXPECT_NE(updated.files.config.text().find("\r\nregion = eu-west-1\r\n"), std::string::npos);
  EXPECT_EQ(std::count(updated.files.config.text().begin(), updated.files.config.text().end(), '\n'),
            std::count(updated.files.config.text().begin(), updated.files.config.text().end(), '\r'));
}

TEST(SsoPopulate, BatchedEditsEqualOneByOneEdits) {
  // Thousands of generated profiles change in one pass over the file; the result must be exactly
  // what Document's own edits give, one at a time.
  std::string config = kSession;
  std::vector<SsoAccountRoles> accounts;
  for (int i = 0; i < 40; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%012d", 500 + i);
    accounts.push_back({{id, "acct" + std::to_string(i), ""}, {"Admin"}});
    config += "\n# about acct" + std::to_string(i) + "\n" +
              generated("acct" + std::to_string(i) + ".Admin", id, "Admin");
    if (i % 3 == 0) config += "output = json\n\n# trailing comment\n";
    if (i % 4 == 0) config += "  \n";
  }
  PopulateOptions o = options();
  o.region = "ap-south-1";
  Populated run = populate(config, listing(accounts), o);
  ASSERT_TRUE(run.status);
  Document expected = Document::parse(config);
  for (const SsoAccountRoles& listed : accounts) {
    const SsoAccount& account = listed.account;
    const SectionName name{"profile", account.account_name + ".Admin"};
    expected.unset_property(name, "awsprof_generated");
    ASSERT_TRUE(expected.set_property(name, "region", "ap-south-1"));
    ASSERT_TRUE(expected.set_property(name, "awsprof_generated",
                                      format_generated_marker({"corp", kUrl, account.account_id, "Admin",
                                                               name.name, "ap-south-1", std::nullopt})));
  }
  EXPECT_EQ(run.files.config.text(), expected.text());
}

}  // namespace sso_populate_test
}  // namespace awsprof
