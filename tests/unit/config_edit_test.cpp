#include "awsprof/edit/config_edit.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace config_edit_test {

ConfigFiles files(std::string config, std::string credentials = "") {
  return ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

TEST(ConfigEdit, CredentialKeysGoToTheCredentialsFile) {
  auto f = files("[default]\nregion = a\n");
  std::vector<SettingChange> changes{
      {"aws_access_key_id", "AKID"}, {"output", "json"}, {"s3.max_bandwidth", "10MB"}};
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "dev"}, changes));
  EXPECT_EQ(f.credentials.text(), "[dev]\naws_access_key_id = AKID\n");
  EXPECT_EQ(f.config.text(),
            "[default]\nregion = a\n\n[profile dev]\noutput = json\ns3 =\n    max_bandwidth = 10MB\n");
}

TEST(ConfigEdit, DefaultProfileEditsTheSectionTheCliReads) {
  auto f = files("[profile default]\nregion = a\n[default]\nregion = b\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {}, std::vector<SettingChange>{{"region", "c"}}));
  EXPECT_EQ(f.config.text(), "[profile default]\nregion = a\n[default]\nregion = c\n");
  auto g = files("");
  ASSERT_TRUE(apply_changes(g, Dialect::cli, {}, std::vector<SettingChange>{{"region", "c"}}));
  EXPECT_EQ(g.config.text(), "[default]\nregion = c\n");
}

TEST(ConfigEdit, SsoSessionAndServicesTargets) {
  auto f = files("");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::sso_session, "corp"},
                            std::vector<SettingChange>{{"sso_region", "eu-west-1"}}));
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::services, "local"},
                            std::vector<SettingChange>{{"sts.endpoint_url", "http://x"}}));
  EXPECT_EQ(
      f.config.text(),
      "[sso-session corp]\nsso_region = eu-west-1\n\n[services local]\nsts =\n    endpoint_url = http://x\n");
  EXPECT_EQ(f.credentials.text(), "");
}

TEST(ConfigEdit, UnsetRemovesEmptiedSections) {
  auto f = files("[default]\nregion = a\n\n[profile dev]\noutput = json\n", "[dev]\naws_access_key_id = A\n");
  ASSERT_TRUE(apply_changes(
      f, Dialect::cli, {EditTarget::Kind::profile, "dev"},
      std::vector<SettingChange>{{"output", std::nullopt}, {"aws_access_key_id", std::nullopt}}));
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n");
  EXPECT_EQ(f.credentials.text(), "");
}

TEST(ConfigEdit, RefusedChangeLeavesBothFilesAlone) {
  auto f = files("[default]\nregion = a\n");
  std::vector<SettingChange> changes{{"output", "json"}, {"region", "bad\nvalue"}};
  EXPECT_FALSE(apply_changes(f, Dialect::cli, {}, changes));
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n");
}

TEST(ConfigEdit, CopyCarriesCommentsAndContinuedValuesVerbatim) {
  auto f = files(
      "[profile a]\r\n# why\r\nk = one\r\n  two\r\n; trailing note\r\n\r\n# about z\r\n[profile z]\r\n");
  ASSERT_TRUE(copy_profile(f, Dialect::cli, "a", "b"));
  EXPECT_EQ(f.config.text(),
            "[profile a]\r\n# why\r\nk = one\r\n  two\r\n; trailing note\r\n\r\n# about z\r\n[profile z]\r\n"
            "\r\n[profile b]\r\n# why\r\nk = one\r\n  two\r\n; trailing note\r\n");
}

TEST(ConfigEdit, RenameCopyDeleteProfilesInBothFiles) {
  auto f = files("[profile a]\nregion = x\ns3 =\n  k = v\n", "[a]\naws_access_key_id = A\n");
  ASSERT_TRUE(copy_profile(f, Dialect::cli, "a", "b"));
  EXPECT_EQ(f.config.text(),
            "[profile a]\nregion = x\ns3 =\n  k = v\n\n[profile b]\nregion = x\ns3 =\n  k = v\n");
  EXPECT_EQ(f.credentials.text(), "[a]\naws_access_key_id = A\n\n[b]\naws_access_key_id = A\n");
  EXPECT_FALSE(copy_profile(f, Dialect::cli, "a", "b"));
  ASSERT_TRUE(rename_profile(f, Dialect::cli, "a", "c d"));
  EXPECT_NE(f.config.text().find("[profile \"c d\"]"), std::string::npos);
  EXPECT_NE(f.credentials.text().find("[c d]"), std::string::npos);
  EXPECT_FALSE(rename_profile(f, Dialect::cli, "nope", "z"));
  ASSERT_TRUE(delete_profile(f, Dialect::cli, "b"));
  EXPECT_EQ(f.config.text().find("profile b"), std::string::npos);
  EXPECT_EQ(f.credentials.text().find("[b]"), std::string::npos);
  EXPECT_FALSE(delete_profile(f, Dialect::cli, "b"));
}

TEST(ConfigEdit, RenameRewritesSourceProfileReferences) {
  auto f = files(
      "[default]\nsource_profile = base\n\n[profile base]\nsource_profile=base\n\n"
      "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nSource_Profile =  base   # x\n\n"
      "[profile other]\nsource_profile = baseline\n\n[sso-session s]\nsource_profile = base\n",
      "[base]\naws_access_key_id = A\n[ci]\nsource_profile = base\n");
  ASSERT_TRUE(rename_profile(f, Dialect::cli, "base", "core"));
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
    return apply_changes(f, Dialect::cli, {}, std::vector<SettingChange>{{"region", "b"}});
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
  auto region = locate_key(f, Dialect::cli, {}, "region");
  ASSERT_TRUE(region);
  EXPECT_EQ(region->line, 2);
  EXPECT_EQ(region->value, "a");
  EXPECT_EQ(locate_key(f, Dialect::cli, {}, "s3.k")->line, 4);
  EXPECT_EQ(locate_key(f, Dialect::cli, {}, "aws_access_key_id")->file, FileKind::credentials);
  EXPECT_FALSE(locate_key(f, Dialect::cli, {}, "output"));
  EXPECT_FALSE(locate_key(f, Dialect::cli, {EditTarget::Kind::profile, "dev"}, "region"));
}

TEST(ConfigEdit, PlainSectionTarget) {
  auto f = files("[default]\nregion = a\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::section, "plugins"},
                            std::vector<SettingChange>{{"cli_legacy_plugin_path", "/opt/p"}}));
  EXPECT_EQ(f.config.text(), "[default]\nregion = a\n\n[plugins]\ncli_legacy_plugin_path = /opt/p\n");
}

TEST(ConfigEdit, AMissingFinalNewlineStaysMissing) {
  auto f = files("[default]\r\nregion = a", "[default]\naws_access_key_id = A");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "dev"},
                            std::vector<SettingChange>{{"output", "json"}, {"aws_access_key_id", "B"}}));
  EXPECT_EQ(f.config.text(), "[default]\r\nregion = a\r\n\r\n[profile dev]\r\noutput = json");
  EXPECT_EQ(f.credentials.text(), "[default]\naws_access_key_id = A\n\n[dev]\naws_access_key_id = B");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {}, std::vector<SettingChange>{{"output", "text"}}));
  EXPECT_EQ(f.config.text(),
            "[default]\r\nregion = a\r\noutput = text\r\n\r\n[profile dev]\r\noutput = json");
  ASSERT_TRUE(delete_profile(f, Dialect::cli, "dev"));
  EXPECT_EQ(f.config.text(), "[default]\r\nregion = a\r\noutput = text");
  auto g = files("[default]\nregion = a");
  ASSERT_TRUE(copy_profile(g, Dialect::cli, "default", "b"));
  EXPECT_EQ(g.config.text(), "[default]\nregion = a\n\n[profile b]\nregion = a");
}

TEST(ConfigEdit, SubKeyOfAPlainValueIsRefusedWithoutQuotingIt) {
  auto f = files("[default]\naws_secret_access_key = SECRETVALUE\n");
  Status s = apply_changes(f, Dialect::cli, {}, std::vector<SettingChange>{{"aws_secret_access_key.x", "1"}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message().find("SECRETVALUE"), std::string::npos) << s.message();
  EXPECT_EQ(f.config.text(), "[default]\naws_secret_access_key = SECRETVALUE\n");
}

}  // namespace config_edit_test
}  // namespace awsprof

namespace awsprof {
namespace config_edit_test {

// What the dialect's reader gives for a profile's key after an edit ("" when unset or no such
// profile): the property every edit must keep.
std::string read_back(const ConfigFiles& f, Dialect dialect, std::string_view profile, std::string_view key) {
  ProfileModel model = build_profile_model({"config", &f.config}, {"credentials", &f.credentials}, dialect);
  const Section* section = model.find_profile(profile);
  const Setting* setting = section ? section->find(key) : nullptr;
  return setting ? std::string(setting->value) : "";
}

std::vector<SettingChange> one(std::string key, std::optional<std::string> value) {
  return {SettingChange{std::move(key), std::move(value)}};
}

const EditTarget kMixed{EditTarget::Kind::profile, "Mixed"};

TEST(ConfigEdit, SetWritesTheSectionTheCliReadsNotOneThatOnlyLooksLikeIt) {
  // The AWS CLI does not read "[ profile Mixed ]" as the profile Mixed ("profile" must start the
  // header), so the value goes to a new [profile Mixed], with a note about the other one.
  auto f = files("[default]\nregion = x\n\n[ profile Mixed ]\nregion = y\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, kMixed, one("output", "json")));
  EXPECT_EQ(f.config.text(),
            "[default]\nregion = x\n\n[ profile Mixed ]\nregion = y\n\n[profile Mixed]\noutput = json\n");
  EXPECT_EQ(read_back(f, Dialect::cli, "Mixed", "output"), "json");
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].line, 4);
  EXPECT_EQ(
      f.notes[0].message,
      "[ profile Mixed ] is not read as the profile 'Mixed' by the AWS CLI, so [profile Mixed] is added; "
      "awsprof validate says why");
  // The SDKs do read it as Mixed: there the existing section is edited, with no note.
  auto g = files("[default]\nregion = x\n\n[ profile Mixed ]\nregion = y\n");
  ASSERT_TRUE(apply_changes(g, Dialect::sdk, kMixed, one("output", "json")));
  EXPECT_EQ(g.config.text(), "[default]\nregion = x\n\n[ profile Mixed ]\nregion = y\noutput = json\n");
  EXPECT_TRUE(g.notes.empty());
}

TEST(ConfigEdit, EveryEditFindsTheSectionTheReaderTakes) {
  // Of two sections the CLI reads as dev, the later wins: that is the one changed, renamed,
  // copied; a delete removes both, so that no dev is left to read.
  const std::string twice = "[profile dev]\nregion = a\n\n[profile  dev]\nregion = b\n";
  auto f = files(twice);
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "dev"}, one("region", "c")));
  EXPECT_EQ(f.config.text(), "[profile dev]\nregion = a\n\n[profile  dev]\nregion = c\n");
  f = files(twice);
  ASSERT_TRUE(copy_profile(f, Dialect::cli, "dev", "qa"));
  EXPECT_EQ(read_back(f, Dialect::cli, "qa", "region"), "b");
  f = files(twice);
  ASSERT_TRUE(delete_profile(f, Dialect::cli, "dev"));
  EXPECT_EQ(f.config.text(), "");
  // An unset removes every line the reader could take the key from, in both files.
  f = files("[profile dev]\nregion = a\noutput = json\n", "[dev]\nregion = b\n");
  EXPECT_EQ(read_back(f, Dialect::cli, "dev", "region"), "b");
  ASSERT_TRUE(
      apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "dev"}, one("region", std::nullopt)));
  EXPECT_EQ(f.config.text(), "[profile dev]\noutput = json\n");
  EXPECT_EQ(f.credentials.text(), "");
  // A key read from the credentials file is changed there, where it wins.
  f = files("[profile dev]\nregion = a\n", "[dev]\nregion = b\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "dev"}, one("region", "c")));
  EXPECT_EQ(f.config.text(), "[profile dev]\nregion = a\n");
  EXPECT_EQ(f.credentials.text(), "[dev]\nregion = c\n");
  // The SDKs merge "[profile dev]" and "[profile  dev]": both definitions of a key go.
  f = files(twice);
  ASSERT_TRUE(
      apply_changes(f, Dialect::sdk, {EditTarget::Kind::profile, "dev"}, one("region", std::nullopt)));
  EXPECT_EQ(f.config.text(), "");
}

TEST(ConfigEdit, DefaultSectionValuesAreOverriddenOrRefusedNeverChangedForEveryone) {
  // The AWS CLI gives every section of a file the values of its [DEFAULT] section.
  auto f = files("[DEFAULT]\nregion = a\n\n[profile dev]\noutput = json\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "dev"}, one("region", "b")));
  EXPECT_EQ(f.config.text(), "[DEFAULT]\nregion = a\n\n[profile dev]\noutput = json\nregion = b\n");
  auto g = files("[DEFAULT]\nregion = a\n\n[profile dev]\noutput = json\n");
  Status s = apply_changes(g, Dialect::cli, {EditTarget::Kind::profile, "dev"}, one("region", std::nullopt));
  ASSERT_FALSE(s);
  EXPECT_EQ(
      s.message(),
      "cannot unset 'region' for the profile 'dev': the AWS CLI takes it from line 2 of the config file, "
      "which every section of that file inherits; change it there");
  EXPECT_EQ(g.config.text(), "[DEFAULT]\nregion = a\n\n[profile dev]\noutput = json\n");
  // Unsetting the last key of a section that inherits [DEFAULT] values keeps the section: without
  // it the profile would be gone, not just the key.
  auto h = files("[DEFAULT]\nregion = a\n\n[profile dev]\noutput = json\n");
  ASSERT_TRUE(
      apply_changes(h, Dialect::cli, {EditTarget::Kind::profile, "dev"}, one("output", std::nullopt)));
  EXPECT_EQ(h.config.text(), "[DEFAULT]\nregion = a\n\n[profile dev]\n");
}

TEST(ConfigEdit, NamesWithBracketsAreWrittenAsTheCliDoesAndReadBack) {
  auto f = files("[default]\nregion = x\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "a]b"},
                            std::vector<SettingChange>{{"region", "r"}, {"aws_access_key_id", "AKID"}}));
  EXPECT_EQ(f.config.text(), "[default]\nregion = x\n\n[profile a]b]\nregion = r\n");
  EXPECT_EQ(f.credentials.text(), "[a]b]\naws_access_key_id = AKID\n");
  EXPECT_EQ(read_back(f, Dialect::cli, "a]b", "region"), "r");
  ASSERT_TRUE(rename_profile(f, Dialect::cli, "a]b", "[x]"));
  ASSERT_TRUE(copy_profile(f, Dialect::cli, "[x]", "c[d"));
  EXPECT_EQ(read_back(f, Dialect::cli, "[x]", "aws_access_key_id"), "AKID");
  EXPECT_EQ(read_back(f, Dialect::cli, "c[d", "region"), "r");
  EXPECT_EQ(f.config.text(),
            "[default]\nregion = x\n\n[profile [x]]\nregion = r\n\n[profile c[d]\nregion = r\n");
}

TEST(ConfigEdit, NamesThatCannotReadBackAreRefusedWithTheReason) {
  auto f = files("[default]\nregion = x\n", "[default]\naws_access_key_id = A\n");
  auto refused = [&](Dialect dialect, std::string name, std::string key) {
    Status s = apply_changes(f, dialect, {EditTarget::Kind::profile, name}, one(key, "v"));
    EXPECT_EQ(f.config.text(), "[default]\nregion = x\n");
    EXPECT_EQ(f.credentials.text(), "[default]\naws_access_key_id = A\n");
    return s ? std::string("(accepted)") : s.message();
  };
  EXPECT_EQ(refused(Dialect::cli, "", "region"), "cannot write the profile '': the name is empty");
  EXPECT_EQ(refused(Dialect::cli, "a\nb", "region"),
            "cannot write a name that holds a line break or a NUL byte: a header is one line");
  EXPECT_EQ(
      refused(Dialect::cli, "DEFAULT", "aws_access_key_id"),
      "cannot write the profile 'DEFAULT': the AWS CLI would read the header [DEFAULT] in the credentials "
      "file as no section of its own");
  EXPECT_EQ(
      refused(Dialect::sdk, "a]b", "region"),
      "cannot write the profile 'a]b': the AWS SDKs would read the header [profile a]b] in the config file "
      "as no section of its own (the AWS SDKs ignore [profile a]b]: 'a]b' is not a valid name (letters, "
      "digits and - _ / . % @ : +))");
  // A name the CLI reads back through quoting is fine: it is not refused.
  EXPECT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "a \"b\""}, one("region", "v")));
  EXPECT_EQ(read_back(f, Dialect::cli, "a \"b\"", "region"), "v");
}

TEST(ConfigEdit, ValuesThatWouldReadBackDifferentlyAreRefused) {
  auto f = files("[default]\nregion = x\n");
  // The SDKs read " #" as the start of a comment; the AWS CLI has no inline comments.
  Status s = apply_changes(f, Dialect::sdk, {}, one("region", "a #b"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "the value of 'region' would not read back as written: the AWS SDKs would read it differently");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {}, one("region", "a #b")));
  EXPECT_EQ(read_back(f, Dialect::cli, "default", "region"), "a #b");
}

TEST(ConfigEdit, DeleteRefusesWhileOtherProfilesUseItAsSourceProfile) {
  const std::string config =
      "[profile alice]\nregion = x\n\n[profile bob]\nsource_profile = alice\n\n"
      "[profile dave]\nsource_profile = alice # the CLI reads this whole\n";
  auto f = files(config, "[carol]\nsource_profile = alice\n");
  Status s = delete_profile(f, Dialect::cli, "alice");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "the profile 'alice' is the source_profile of the profiles 'bob' and 'carol', which would stop "
            "working; "
            "change or delete them first (--force deletes it anyway)");
  EXPECT_EQ(f.config.text(), config);
  // Its own source_profile does not count; with Dependents::orphan it goes anyway.
  auto g = files("[profile alice]\nsource_profile = alice\n");
  EXPECT_TRUE(delete_profile(g, Dialect::cli, "alice"));
  ASSERT_TRUE(delete_profile(f, Dialect::cli, "alice", Dependents::orphan));
  EXPECT_EQ(read_back(f, Dialect::cli, "bob", "source_profile"), "alice");
  EXPECT_EQ(f.config.text().find("[profile alice]"), std::string::npos);
}

// The AWS CLI strips Python's whitespace around a key: botocore 1.43 and `aws configure get` read
// "\x1c\x1cregion = a" as region. So a key holding any (\x1c-\x1f, \v, \f, U+0085, U+00A0, U+2028,
// U+3000, ...) would be read under another name than the one set; `aws configure set` with such a
// key even appends a duplicate line, which makes the CLI refuse the file. Found by the fuzzer
// (issue 16): before, the set was made on the line the CLI reads as "region".
TEST(ConfigEdit, KeysHoldingWhitespaceAreRefused) {
  const std::string config = "[default]\n\x1c\x1cregion = a\n";
  const std::pair<const char*, const char*> spaces[] = {
      {"\x1c", "U+001C"},         {"\x1d", "U+001D"},        {"\x1e", "U+001E"},     {"\x1f", "U+001F"},
      {"\v", "U+000B"},           {"\f", "U+000C"},          {"\xC2\x85", "U+0085"}, {"\xC2\xA0", "U+00A0"},
      {"\xE2\x80\xA8", "U+2028"}, {"\xE3\x80\x80", "U+3000"}};
  for (const auto& [space, name] : spaces)
    for (Dialect dialect : {Dialect::cli, Dialect::sdk})
      for (const std::string& key :
           {space + std::string("region"), "region" + std::string(space), "s3." + std::string(space) + "x"}) {
        auto f = files(config);
        Status s = apply_changes(f, dialect, {}, one(key, "b"));
        ASSERT_FALSE(s) << key;
        EXPECT_EQ(s.message(), "'" + key + "': the key contains whitespace (" + name + ")");
        EXPECT_EQ(f.config.text(), config);
      }
  // The key the CLI reads there is set as usual, on its own line.
  auto f = files(config);
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {}, one("region", "b")));
  EXPECT_EQ(f.config.text(), "[default]\n\x1c\x1cregion = b\n");
}

// A line that starts with whitespace other than spaces and tabs is indented to the AWS CLI
// (botocore 1.43 and `aws configure get` agree): the edits find its header, its key and its
// continuation lines where the CLI does. Before, these were refused ("no section header on that
// line", "no property on that line", "'s3' has the value '\x1c', not a block").
TEST(ConfigEdit, EditsFindLinesThatStartWithWhitespaceWhereTheCliDoes) {
  auto f = files("\x1c[profile x]\nregion = a\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {EditTarget::Kind::profile, "x"}, one("region", "b")));
  EXPECT_EQ(f.config.text(), "\x1c[profile x]\nregion = b\n");
  auto g = files("[default]\n\x1c\x1ck = 1\n  other = 2\n");
  ASSERT_TRUE(apply_changes(g, Dialect::cli, {}, one("other", "3")));
  EXPECT_EQ(g.config.text(), "[default]\n\x1c\x1ck = 1\n  other = 3\n");
  auto h = files("[default]\ns3 =\x1c\n    max_concurrent_requests = 1\n");
  ASSERT_TRUE(apply_changes(h, Dialect::cli, {}, one("s3.max_concurrent_requests", "3")));
  EXPECT_EQ(h.config.text(), "[default]\ns3 =\x1c\n    max_concurrent_requests = 3\n");
  // A line the CLI reads as part of a value is no key of its own: the key goes on a new line.
  auto k = files("[default]\noutput = json\n\x1cregion = a\n");
  ASSERT_TRUE(apply_changes(k, Dialect::cli, {}, one("region", "b")));
  EXPECT_EQ(read_back(k, Dialect::cli, "default", "output"), "json\nregion = a");
  EXPECT_EQ(read_back(k, Dialect::cli, "default", "region"), "b");
}

// Whitespace around a value is dropped as the AWS CLI drops it: `aws configure set region
// "\x1cv\x1c"` writes it and the CLI reads 'v'. The SDKs keep all but spaces and tabs, so the sdk
// dialect refuses it. Before, the cli dialect refused all but spaces, tabs, \v and \f.
TEST(ConfigEdit, WhitespaceAroundAValueIsDroppedAsTheReaderDropsIt) {
  auto f = files("[default]\nregion = a\n");
  ASSERT_TRUE(apply_changes(f, Dialect::cli, {}, one("region", "\x1cv\xC2\xA0")));
  EXPECT_EQ(read_back(f, Dialect::cli, "default", "region"), "v");
  const std::string written = f.config.text();
  Status s = apply_changes(f, Dialect::sdk, {}, one("region", "\x1fw"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "the value of 'region' would not read back as written: the AWS SDKs would read it differently");
  EXPECT_EQ(f.config.text(), written);
}

}  // namespace config_edit_test
}  // namespace awsprof
