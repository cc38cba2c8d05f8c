#include "common/tool.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace awsprof::tool {
namespace tool_test {

// Every shape of argument the tools declare: a positional list (set's KEY VALUE, unset's KEY,
// test's profiles, diff's paths), an option with two values (--rename-profile OLD NEW), an open
// list option (lint --scan), a single value (--profile, --sso-session, explain's --region), and
// a number (--jobs).
struct Parsed {
  std::optional<int> exit;
  std::vector<std::string> positionals, pair, list;
  std::optional<std::string> single;
  std::string profile;
  int number = 0;
};

Parsed parse(std::vector<const char*> argv) {
  Parsed parsed;
  Tool tool("shapes", "Every shape of argument", fake_env({}));
  tool.app().add_option("ARG", parsed.positionals, "a positional list");
  tool.app().add_option("--pair", parsed.pair, "two values")->expected(2);
  tool.app().add_option("--list", parsed.list, "an open list")->expected(0, -1);
  tool.app().add_option("--single", parsed.single, "one value");
  tool.app().add_option("--number", parsed.number, "a number");
  argv.insert(argv.begin(), "awsprof-shapes");
  parsed.exit = tool.parse(static_cast<int>(argv.size()), argv.data());
  if (!parsed.exit) parsed.profile = tool.context().profile.name;
  return parsed;
}

using Strings = std::vector<std::string>;

TEST(Tool, PositionalListsTakeBracketedArgumentsVerbatim) {
  Parsed p = parse({"cli_pager", "[value]", "a", "[a,b]", "b", "[]", "c", "[[x]]", "d", "[ , ]"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.positionals,
            (Strings{"cli_pager", "[value]", "a", "[a,b]", "b", "[]", "c", "[[x]]", "d", "[ , ]"}));
}

TEST(Tool, OptionsWithSeveralValuesTakeBracketedArgumentsVerbatim) {
  Parsed p = parse({"--pair", "[a]", "[b,c]", "--list", "[x,y]", "[]", "--single", "[s,t]"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.pair, (Strings{"[a]", "[b,c]"}));
  EXPECT_EQ(p.list, (Strings{"[x,y]", "[]"}));
  EXPECT_EQ(p.single, "[s,t]");
}

TEST(Tool, EqualsFormsAndArgumentsAfterDoubleDashAreVerbatimToo) {
  Parsed p = parse({"--profile=[a,b]", "--list=[c,d]", "--single=[e]", "--", "[f,g]", "--h]"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.profile, "[a,b]");
  EXPECT_EQ(p.list, (Strings{"[c,d]"}));
  EXPECT_EQ(p.single, "[e]");
  EXPECT_EQ(p.positionals, (Strings{"[f,g]", "--h]"}));
}

TEST(Tool, ArgumentsWithoutBracketsAreUnchanged) {
  Parsed p = parse({"a]", "[b", "x,y", "--number", "7", "--single", "]"});
  ASSERT_FALSE(p.exit);
  EXPECT_EQ(p.positionals, (Strings{"a]", "[b", "x,y"}));
  EXPECT_EQ(p.number, 7);
  EXPECT_EQ(p.single, "]");
}

TEST(Tool, AnErrorMessageQuotesTheArgumentAsGiven) {
  testing::internal::CaptureStderr();
  Parsed p = parse({"--number", "[7]"});
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(p.exit, 2);
  EXPECT_NE(err.find("[7]"), std::string::npos) << err;
  EXPECT_EQ(err.find('\0'), std::string::npos);
}

}  // namespace tool_test
}  // namespace awsprof::tool
