// The read-back check of the edits (read_back.hpp) and the readings it is made from
// (ReadingCache): a wrong edit is still caught now that the check walks the readings in order
// and each state of the files is read once.
#include "read_back.hpp"

#include <gtest/gtest.h>

#include <string>

#include "awsprof/edit/config_edit.hpp"

namespace awsprof {
namespace read_back_test {

ConfigFiles files(std::string config, std::string credentials = "") {
  return ConfigFiles{Document::parse(std::move(config)), Document::parse(std::move(credentials))};
}

const EditTarget kA{EditTarget::Kind::profile, "a"};

std::string difference(const ConfigFiles& before, const ConfigFiles& after, Dialect dialect = Dialect::cli) {
  return detail::read_back_difference(before, after, dialect, std::span<const EditTarget>(&kA, 1));
}

// Many profiles, so that a difference sits among many sections that read alike.
std::string many_profiles(int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += "[profile p" + std::to_string(i) + "]\nregion = r" + std::to_string(i) +
            "\ns3 =\n    max_bandwidth = " + std::to_string(i) + "MB\n";
  return text;
}

// Each "edit" below is a text change made by hand, standing for an edit that went wrong: the
// check must name what reads differently.
TEST(ReadBack, CatchesAWrongEditOfAnotherProfile) {
  const ConfigFiles before = files("[profile a]\nregion = x\n" + many_profiles(3000));
  ConfigFiles wrong = before;
  const std::size_t line = 1 + 4 * 1500 + 2;  // "region = r1500"
  ASSERT_EQ(wrong.config.line_text(line), "region = r1500");
  ASSERT_TRUE(wrong.config.set_value_at(line, "changed"));
  EXPECT_EQ(difference(before, wrong), "the profile 'p1500' would read differently");
}

TEST(ReadBack, CatchesAWrongSubProperty) {
  const ConfigFiles before = files("[profile a]\nregion = x\n" + many_profiles(50));
  ConfigFiles wrong = before;
  const std::size_t line = 1 + 4 * 20 + 4;  // "    max_bandwidth = 20MB"
  ASSERT_EQ(wrong.config.line_text(line), "    max_bandwidth = 20MB");
  ASSERT_TRUE(wrong.config.set_value_at(line, "1MB"));
  EXPECT_EQ(difference(before, wrong), "the profile 'p20' would read differently");
}

TEST(ReadBack, CatchesAHeaderTurnedIntoAContinuationLine) {
  // An indented line after a value continues it in the AWS CLI: [profile b] is gone.
  const ConfigFiles before = files("[profile a]\nregion = x\n[profile b]\nregion = y\n");
  const ConfigFiles wrong = files("[profile a]\nregion = x\n  [profile b]\nregion = y\n");
  EXPECT_NE(difference(before, wrong), "");
}

TEST(ReadBack, CatchesASectionThatAppearsOrGoes) {
  const ConfigFiles before = files("[profile a]\nregion = x\n[profile b]\nregion = y\n");
  EXPECT_EQ(difference(before, files("[profile a]\nregion = x\n[profile b]\nregion = y\n[profile c]\n")),
            "the profile 'c' would appear");
  EXPECT_EQ(difference(before, files("[profile a]\nregion = x\n")), "the profile 'b' would read differently");
  EXPECT_EQ(difference(before, files("[profile a]\nregion = x\n[profile b]\nregion = y\n", "[b]\nk = v\n")),
            "the profile 'b' would read differently");
}

TEST(ReadBack, CatchesAFileThatCannotBeReadAnyMore) {
  const ConfigFiles before = files("[profile a]\nregion = x\n[profile b]\nregion = y\n");
  const ConfigFiles wrong = files("[profile a]\nregion = x\n[profile b]\nregion = y\n[profile b]\n");
  EXPECT_NE(difference(before, wrong).find("could not be read any more"), std::string::npos)
      << difference(before, wrong);
}

TEST(ReadBack, AllowsChangesToTheTouchedSectionsAndToTheOrderAlone) {
  const ConfigFiles before = files("[profile a]\nregion = x\n[profile b]\nregion = y\n[profile c]\nk = v\n");
  EXPECT_EQ(
      difference(before, files("[profile a]\nregion = z\nnew = 1\n[profile b]\nregion = y\n[profile c]\n"
                               "k = v\n")),
      "");
  // The same settings in another order of sections, and of keys, read the same.
  EXPECT_EQ(
      difference(before, files("[profile c]\nk = v\n[profile b]\nregion = y\n[profile a]\nregion = x\n")),
      "");
  EXPECT_EQ(difference(files("[profile b]\nx = 1\ny = 2\n"), files("[profile b]\ny = 2\nx = 1\n")), "");
}

// The value the reading gives a key of the profile "a", or "(none)".
std::string value_in(const ProfileModel& model, std::string_view key) {
  const Section* profile = model.find_profile("a");
  const Setting* setting = profile != nullptr ? profile->find(key) : nullptr;
  return setting != nullptr ? std::string(setting->value) : "(none)";
}

TEST(ReadingCache, ReadsEachStateOnceAndNeverAStaleOne) {
  ConfigFiles f = files("[profile a]\nregion = x\n");
  const std::shared_ptr<const ProfileModel> first = f.read(Dialect::cli);
  EXPECT_EQ(f.read(Dialect::cli), first);  // the same state is not read again
  EXPECT_NE(f.read(Dialect::sdk), first);  // another dialect is another reading
  ConfigFiles copy = f;
  EXPECT_EQ(copy.read(Dialect::cli), first);  // a copy shares the texts, and their readings
  ASSERT_TRUE(copy.config.set_value_at(1, "y"));
  EXPECT_EQ(value_in(*copy.read(Dialect::cli), "region"), "y");
  EXPECT_EQ(value_in(*f.read(Dialect::cli), "region"), "x");
  ASSERT_TRUE(f.credentials.append_section("a", "aws_access_key_id = K\n"));
  EXPECT_EQ(value_in(*f.read(Dialect::cli), "aws_access_key_id"), "K");
  // The first reading still holds what it read.
  EXPECT_EQ(value_in(*first, "region"), "x");
  EXPECT_EQ(value_in(*first, "aws_access_key_id"), "(none)");
}

TEST(ReadingCache, TakesOverAReadingOfTheSameBytesUntilAnEdit) {
  ConfigFiles f = files("[profile a]\nregion = x\n");
  auto bytes = std::make_shared<const std::string>(f.config.text());
  auto checked = std::make_shared<const ProfileModel>(build_profile_model(
      {"/home/me/.aws/config", bytes}, {"/home/me/.aws/credentials", nullptr}, Dialect::cli));
  f.readings.adopt(f.config, f.credentials, checked);
  EXPECT_EQ(f.read(Dialect::cli), checked);
  ASSERT_TRUE(f.config.set_value_at(1, "y"));
  EXPECT_NE(f.read(Dialect::cli), checked);
  EXPECT_EQ(value_in(*f.read(Dialect::cli), "region"), "y");
}

}  // namespace read_back_test
}  // namespace awsprof
