#include "unicode_text.hpp"

#include <gtest/gtest.h>

#include "shlex.hpp"

namespace awsprof::detail {
namespace unicode_text_test {

TEST(PythonText, LowerMatchesPythonStrLower) {
  // Expected values are what Python 3.11's str.lower() returns for the same input.
  EXPECT_EQ(python_lower("Region"), "region");
  EXPECT_EQ(python_lower("\xC3\x84key"), "\xC3\xA4key");                // Äkey -> äkey
  EXPECT_EQ(python_lower("\xC4\xB0x"), "i\xCC\x87x");                   // İx -> i̇x
  EXPECT_EQ(python_lower("\xCE\xA3\x61"), "\xCF\x83\x61");              // Σa -> σa
  EXPECT_EQ(python_lower("a\xCE\xA3"), "a\xCF\x82");                    // aΣ -> aς (final sigma)
  EXPECT_EQ(python_lower("\xE1\xBA\x9E"), "\xC3\x9F");                  // ẞ -> ß
}

TEST(PythonText, SplitlinesUsesPythonBoundaries) {
  auto lines = python_splitlines("a\nb\r\nc\rd\ve\ff\x1cg\xC2\x85h\xE2\x80\xA8i");
  EXPECT_EQ(lines, (std::vector<std::string_view>{"a", "b", "c", "d", "e", "f", "g", "h", "i"}));
  EXPECT_EQ(python_splitlines("x\n"), (std::vector<std::string_view>{"x"}));
}

TEST(PythonText, StripAndIndentCountCodePoints) {
  EXPECT_EQ(python_strip("\xC2\xA0 x \xE3\x80\x80"), "x");
  EXPECT_EQ(python_indent("\xC2\xA0\tx"), 2u);
  EXPECT_EQ(python_rstrip("x\x1f"), "x");
  // ASCII and non-ASCII blanks mixed on both sides; non-ASCII letters at the edges stay.
  EXPECT_EQ(python_strip(" \xC2\xA0 x\t\xE3\x80\x80 "), "x");
  EXPECT_EQ(python_strip(" \xC3\xA9 "), "\xC3\xA9");
  EXPECT_EQ(python_rstrip("a \xC3\xA9\t"), "a \xC3\xA9");
  EXPECT_EQ(python_strip("\xC2\xA0 \xE2\x80\xA8"), "");
  EXPECT_EQ(python_indent(" \xC3\xA9"), 1u);
}

TEST(PythonText, BytesThatAreNotUtf8AreNoWhitespace) {
  // Decoded blindly, "\xC2 " would be U+00A0 and "\xE3\x80" half of U+3000.
  EXPECT_EQ(python_strip("\xC2 x \xC2"), "\xC2 x \xC2");
  EXPECT_EQ(python_lstrip("\xC2\xA0\xC2 x"), "\xC2 x");
  EXPECT_EQ(python_rstrip("x\xE3\x80"), "x\xE3\x80");
  EXPECT_EQ(python_rstrip("x\x80\xE3\x80\x80"), "x\x80");
  EXPECT_EQ(python_indent("\x1c\xC2 x"), 1u);
}

TEST(PythonText, FindsWhitespaceAnywhereAndNamesIt) {
  EXPECT_EQ(find_python_space("region"), std::nullopt);
  EXPECT_EQ(find_python_space("re\x1fgion"), U'\x1f');
  EXPECT_EQ(find_python_space("k\xC2\x85"), U'\x85');
  EXPECT_EQ(find_python_space("k\xE2\x80\x8B"), std::nullopt) << "U+200B is no whitespace to Python";
  EXPECT_EQ(find_python_space("\xC2 k"), U' ');
  EXPECT_EQ(code_point_name(U'\x1c'), "U+001C");
  EXPECT_EQ(code_point_name(U'\x3000'), "U+3000");
}

TEST(PythonText, FindsInvalidUtf8AsPythonDoes) {
  EXPECT_FALSE(find_invalid_utf8("plain \xC3\xA4 \xF0\x9F\x98\x80"));
  EXPECT_EQ(find_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u) << "surrogates are refused";
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u) << "overlong forms are refused";
  EXPECT_EQ(find_invalid_utf8("x\xE2\x82"), 1u) << "truncated sequence";
  // Past the eight-bytes-at-a-time ASCII skip, at and around word boundaries.
  EXPECT_EQ(find_invalid_utf8("01234567\xFF"), 8u);
  EXPECT_EQ(find_invalid_utf8("0123456789abcdef0\xC3"), 17u);
  EXPECT_FALSE(find_invalid_utf8("0123456\xC3\xA4" "0123456789"));
}

TEST(Shlex, SplitsAsPythonShlexSplit) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(shlex_split("profile foo"), Words({"profile", "foo"}));
  EXPECT_EQ(shlex_split("profile \"a b\""), Words({"profile", "a b"}));
  EXPECT_EQ(shlex_split("profile 'a \"b'"), Words({"profile", "a \"b"}));
  EXPECT_EQ(shlex_split("profile a\\ b"), Words({"profile", "a b"}));
  EXPECT_EQ(shlex_split("profile \"a\\\"b\\x\""), Words({"profile", "a\"b\\x"}));
  EXPECT_EQ(shlex_split("profile \"\""), Words({"profile", ""}));
  EXPECT_EQ(shlex_split("  "), Words({}));
  EXPECT_EQ(shlex_split("profile \"open"), std::nullopt);
  EXPECT_EQ(shlex_split("profile x\\"), std::nullopt);
}

}  // namespace unicode_text_test
}  // namespace awsprof::detail

namespace awsprof::detail {
namespace unicode_text_test {

TEST(Shlex, SecondOfTwoAgreesWithSplit) {
  for (std::string_view text : {"profile foo", "profile  foo ", "profile", "profile a b", "profile \"a b\"",
                                "profile 'x'y", "profile \"open", "profile x\\", "\tprofile\tfoo\t", "profile \"\"",
                                "profile a\\ b", "profile a b\\ c", "profile a 'b c'", "profile a b \"open",
                                "profile a\"b\" c", "profile ''"}) {
    auto words = shlex_split(text);
    std::optional<std::string> expected;
    if (words && words->size() == 2) expected = (*words)[1];
    std::string unquoted;
    std::optional<std::string_view> second = shlex_second_of_two(text, unquoted);
    EXPECT_EQ(second ? std::optional<std::string>(*second) : std::nullopt, expected) << text;
  }
}

}  // namespace unicode_text_test
}  // namespace awsprof::detail
