#include "awsprof/syntax/document.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace document_test {

TEST(Document, PrintsExactlyWhatItParsed) {
  for (std::string text : {std::string(""), std::string("\n"), std::string("[default]"),
                           std::string("\xEF\xBB\xBF[default]\r\nregion = x\r\n"), std::string("a\rb\r\nc\n"),
                           std::string("[x]\nk = v\n\tcont\n", 16), std::string("\0\xff\xfe[\n", 5)}) {
    EXPECT_EQ(Document::parse(text).text(), text);
  }
}

TEST(Document, ClassifiesLines) {
  Document doc = Document::parse(
      "# top\n[profile a]\nregion = us-east-1\ns3 =\n  max_bandwidth = 10MB\n\n  addressing_style = path\n"
      "role_arn = x\n  continued\n; note\nbogus line\n  [profile b]\n");
  auto lines = doc.lines();
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[0].kind, LineKind::comment);
  EXPECT_EQ(lines[1].kind, LineKind::section);
  EXPECT_EQ(doc.key_of(1), "profile a");
  EXPECT_EQ(lines[2].kind, LineKind::property);
  EXPECT_EQ(doc.key_of(2), "region");
  EXPECT_EQ(doc.value_of(2), "us-east-1");
  EXPECT_EQ(lines[3].kind, LineKind::property);
  EXPECT_EQ(lines[4].kind, LineKind::sub_property);
  EXPECT_EQ(doc.key_of(4), "max_bandwidth");
  EXPECT_EQ(doc.value_of(4), "10MB");
  EXPECT_EQ(lines[5].kind, LineKind::blank);
  EXPECT_EQ(lines[6].kind, LineKind::sub_property);
  EXPECT_EQ(lines[8].kind, LineKind::continuation);
  EXPECT_EQ(doc.value_of(8), "continued");
  EXPECT_EQ(lines[9].kind, LineKind::comment);
  EXPECT_EQ(lines[10].kind, LineKind::junk);
  EXPECT_EQ(lines[11].kind, LineKind::section) << "an indented header is still a header";
  ASSERT_EQ(doc.sections().size(), 2u);
  const SectionRange& a = doc.sections()[0];
  ASSERT_EQ(a.properties.size(), 3u);
  EXPECT_EQ(a.properties[1].line, 3u);
  EXPECT_EQ(a.properties[1].last_line, 6u);
  EXPECT_EQ(a.properties[2].last_line, 8u);
}

// Whitespace is the AWS CLI's (Python's str.isspace): botocore 1.43 reads this file as [default]
// region = 'a', output = {max = '1'} ("\vmax" is indented), b = 'x\ny = 2' ("\x1cy" too), then
// [c] and [profile x]. Before, "\x1c\x1cregion\x1d" was the key and "\x1cy = 2" a property.
TEST(Document, WhitespaceIsTheAwsClis) {
  Document doc = Document::parse(
      "[default]\n\x1c\x1cregion\x1d= a\x1f\noutput =\xC2\xA0\n\vmax = 1\nb = x\n\x1cy = 2\n"
      "\xE3\x80\x80\x0c\n[c]\n\x1c[profile x]\n");
  auto lines = doc.lines();
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[1].kind, LineKind::property);
  EXPECT_EQ(doc.key_of(1), "region");
  EXPECT_EQ(doc.value_of(1), "a");
  EXPECT_EQ(lines[1].indent, 2u);
  EXPECT_EQ(doc.value_of(2), "");
  EXPECT_EQ(lines[3].kind, LineKind::sub_property);
  EXPECT_EQ(doc.key_of(3), "max");
  EXPECT_EQ(lines[5].kind, LineKind::continuation);
  EXPECT_EQ(doc.value_of(5), "y = 2");
  EXPECT_EQ(lines[6].kind, LineKind::blank) << "U+3000 and \\f are whitespace";
  EXPECT_EQ(lines[8].kind, LineKind::section);
  EXPECT_EQ(doc.key_of(8), "profile x");
  EXPECT_EQ(doc.section_name(doc.sections().back()), (SectionName{"profile", "x"}));
  // Bytes that are not UTF-8 are no whitespace: "\xC2 " is not U+00A0.
  Document invalid = Document::parse("[a]\nk = \xC2 v\xC2\n");
  EXPECT_EQ(invalid.value_of(1), "\xC2 v\xC2");
}

TEST(Document, RecordsLineEndings) {
  Document doc = Document::parse("a\r\nb\rc\nd");
  ASSERT_EQ(doc.lines().size(), 4u);
  EXPECT_EQ(doc.line_eol(0), "\r\n");
  EXPECT_EQ(doc.line_eol(1), "\r");
  EXPECT_EQ(doc.line_eol(2), "\n");
  EXPECT_EQ(doc.line_eol(3), "");
  EXPECT_EQ(doc.preferred_eol(), "\r\n");
}

TEST(Document, PropertyBeforeAnySectionIsJunk) {
  Document doc = Document::parse("region = x\n[default]\n");
  EXPECT_EQ(doc.lines()[0].kind, LineKind::junk);
  EXPECT_EQ(doc.preamble_end(), 1u);
}

TEST(SectionName, ParsesPrefixesAndQuotes) {
  EXPECT_EQ(parse_section_name(" profile  foo "), (SectionName{"profile", "foo"}));
  EXPECT_EQ(parse_section_name("profile \"a b\""), (SectionName{"profile", "a b"}));
  EXPECT_EQ(parse_section_name("sso-session corp"), (SectionName{"sso-session", "corp"}));
  EXPECT_EQ(parse_section_name("services dev"), (SectionName{"services", "dev"}));
  EXPECT_EQ(parse_section_name("profilefoo"), (SectionName{"", "profilefoo"}));
  EXPECT_EQ(parse_section_name("default"), (SectionName{"", "default"}));
}

TEST(SectionName, FormatsNamesTheCliCanReadBack) {
  EXPECT_EQ(format_section_header({"profile", "foo"}), "profile foo");
  EXPECT_EQ(format_section_header({"profile", "a b"}), "profile \"a b\"");
  EXPECT_EQ(format_section_header({"profile", "q\"x"}), "profile \"q\\\"x\"");
  EXPECT_EQ(parse_section_name(format_section_header({"profile", "q\"x"})), (SectionName{"profile", "q\"x"}));
  EXPECT_EQ(format_section_header({"", "dev"}), "dev");
}

TEST(Document, SubPropertyLineFindsTheLastOfTheBlockOnThatLine) {
  Document doc = Document::parse(
      "[default]\nregion = x\ns3 =\n  a = 1\n  # note\n\n  b = 2\n  a = 3\n"
      "[profile p]\ns3 =\n  b = 9\n");
  EXPECT_EQ(doc.sub_property_line(3, "a"), 8);  // the later of two, past a comment and a blank
  EXPECT_EQ(doc.sub_property_line(3, "b"), 7);
  EXPECT_EQ(doc.sub_property_line(10, "b"), 11);  // the block in the next section, not this one
  EXPECT_EQ(doc.sub_property_line(3, "c"), std::nullopt);
  EXPECT_EQ(doc.sub_property_line(2, "a"), std::nullopt);  // region is not a block
  EXPECT_EQ(doc.sub_property_line(4, "a"), std::nullopt);  // a sub-property line is no block's key
  EXPECT_EQ(doc.sub_property_line(1, "a"), std::nullopt);  // a header
  EXPECT_EQ(doc.sub_property_line(0, "a"), std::nullopt);
  EXPECT_EQ(doc.sub_property_line(99, "a"), std::nullopt);
}

}  // namespace document_test
}  // namespace awsprof
