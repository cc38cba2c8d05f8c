#include <gtest/gtest.h>

#include "awsprof/syntax/document.hpp"

namespace awsprof {
namespace edit_test {

const SectionName kDefault{"", "default"};
const SectionName kDev{"profile", "dev"};

std::string edited(std::string text, auto edit) {
  Document doc = Document::parse(std::move(text));
  edit(doc);
  // Whatever the edit did, the result must itself be a fixed point of parse/print.
  EXPECT_EQ(Document::parse(doc.text()).text(), doc.text());
  return doc.text();
}

TEST(Edit, ChangesAValueInPlaceAndNothingElse) {
  std::string before = "# keep me\n[default]\nregion = us-east-1 \noutput=json\n\n[profile dev]\nregion = eu-west-1\n";
  EXPECT_EQ(edited(before, [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "region", "us-west-2")); }),
            "# keep me\n[default]\nregion = us-west-2 \noutput=json\n\n[profile dev]\nregion = eu-west-1\n");
  EXPECT_EQ(edited(before, [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "output", "text")); }),
            "# keep me\n[default]\nregion = us-east-1 \noutput=text\n\n[profile dev]\nregion = eu-west-1\n");
}

TEST(Edit, MatchesExistingKeyIgnoringCase) {
  EXPECT_EQ(edited("[default]\nREGION = a\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "region", "b")); }),
            "[default]\nREGION = b\n");
}

TEST(Edit, FillsAnEmptyValue) {
  EXPECT_EQ(edited("[default]\nregion =\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "region", "b")); }),
            "[default]\nregion = b\n");
  EXPECT_EQ(edited("[default]\nregion=\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "region", "b")); }),
            "[default]\nregion=b\n");
}

TEST(Edit, NewKeyGoesAfterLastPropertyWithItsIndentation) {
  EXPECT_EQ(edited("[default]\n  region = a\n  s3 =\n      x = 1\n\n# next\n[profile dev]\n",
                   [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "output", "json")); }),
            "[default]\n  region = a\n  s3 =\n      x = 1\n  output = json\n\n# next\n[profile dev]\n");
  EXPECT_EQ(edited("[default]\n\n[profile dev]\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "k", "v")); }),
            "[default]\nk = v\n\n[profile dev]\n");
}

TEST(Edit, IndentedHeaderIsEditedInPlace) {
  EXPECT_EQ(edited("  [profile dev]\n  region = a\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDev, "region", "b")); }),
            "  [profile dev]\n  region = b\n");
}

TEST(Edit, KeepsCrlfAndMissingFinalNewline) {
  EXPECT_EQ(edited("[default]\r\nregion = a", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "output", "json")); }),
            "[default]\r\nregion = a\r\noutput = json");
  EXPECT_EQ(edited("[default]\r\nregion = a", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "region", "b")); }),
            "[default]\r\nregion = b");
}

TEST(Edit, NewSectionIsAppendedAfterABlankLine) {
  EXPECT_EQ(edited("[default]\nregion = a\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDev, "region", "b")); }),
            "[default]\nregion = a\n\n[profile dev]\nregion = b\n");
  EXPECT_EQ(edited("[default]\nregion = a", [](Document& d) { ASSERT_TRUE(d.set_property(kDev, "region", "b")); }),
            "[default]\nregion = a\n\n[profile dev]\nregion = b\n");
  EXPECT_EQ(edited("", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "region", "b")); }),
            "[default]\nregion = b\n");
  EXPECT_EQ(edited("", [](Document& d) { ASSERT_TRUE(d.set_property({"profile", "a b"}, "k", "v")); }),
            "[profile \"a b\"]\nk = v\n");
}

TEST(Edit, RefusesLineBreaksAndLeavesTheDocumentAlone) {
  Document doc = Document::parse("[default]\nregion = a\n");
  EXPECT_FALSE(doc.set_property(kDefault, "region", "b\nc"));
  EXPECT_FALSE(doc.set_property(kDefault, "region", "b\rc"));
  EXPECT_FALSE(doc.set_property(kDefault, "re\ngion", "b"));
  EXPECT_FALSE(doc.set_property(kDefault, "a=b", "b"));
  EXPECT_FALSE(doc.set_sub_property(kDefault, "s3", "x", "1\n"));
  EXPECT_FALSE(doc.add_section({"profile", "a\nb"}));
  EXPECT_EQ(doc.text(), "[default]\nregion = a\n");
}

// A header ends at its last ']', so a name may hold '[' and ']' and still read back as itself
// (the AWS CLI writes and reads [profile a]b] the same way).
TEST(Edit, SectionNamesMayHoldBrackets) {
  for (std::string name : {"a]b", "a[b", "]", "[x]", "a]"}) {
    Document doc = Document::parse("[default]\n");
    ASSERT_TRUE(doc.set_property({"profile", name}, "k", "v")) << name;
    EXPECT_EQ(doc.text(), "[default]\n\n[profile " + name + "]\nk = v\n");
    EXPECT_EQ(doc.section_name(doc.sections().back()), (SectionName{"profile", name}));
  }
}

TEST(Edit, ScalarReplacesContinuationLines) {
  EXPECT_EQ(edited("[default]\nk = a\n  b\n  c\nz = 1\n", [](Document& d) { ASSERT_TRUE(d.set_property(kDefault, "k", "v")); }),
            "[default]\nk = v\nz = 1\n");
}

TEST(Edit, SubProperties) {
  EXPECT_EQ(edited("[default]\ns3 =\n  a = 1\n", [](Document& d) { ASSERT_TRUE(d.set_sub_property(kDefault, "s3", "a", "2")); }),
            "[default]\ns3 =\n  a = 2\n");
  EXPECT_EQ(edited("[default]\ns3 =\n  a = 1\nregion = x\n",
                   [](Document& d) { ASSERT_TRUE(d.set_sub_property(kDefault, "s3", "b", "2")); }),
            "[default]\ns3 =\n  a = 1\n  b = 2\nregion = x\n");
  EXPECT_EQ(edited("[default]\nregion = x\n", [](Document& d) { ASSERT_TRUE(d.set_sub_property(kDefault, "s3", "b", "2")); }),
            "[default]\nregion = x\ns3 =\n    b = 2\n");
  Document scalar = Document::parse("[default]\ns3 = oops\n");
  EXPECT_FALSE(scalar.set_sub_property(kDefault, "s3", "b", "2"));
}

TEST(Edit, UnsetRemovesKeyAndEmptyBlocks) {
  EXPECT_EQ(edited("[default]\nregion = a\n  more\noutput = json\n", [](Document& d) { EXPECT_TRUE(d.unset_property(kDefault, "REGION")); }),
            "[default]\noutput = json\n");
  EXPECT_EQ(edited("[default]\ns3 =\n  a = 1\n  b = 2\n", [](Document& d) { EXPECT_TRUE(d.unset_sub_property(kDefault, "s3", "a")); }),
            "[default]\ns3 =\n  b = 2\n");
  EXPECT_EQ(edited("[default]\ns3 =\n  a = 1\nx = 1\n", [](Document& d) { EXPECT_TRUE(d.unset_sub_property(kDefault, "s3", "a")); }),
            "[default]\nx = 1\n");
  Document doc = Document::parse("[default]\nx = 1\n");
  EXPECT_FALSE(doc.unset_property(kDefault, "y"));
  EXPECT_FALSE(doc.unset_property(kDev, "x"));
}

TEST(Edit, AddThenRemoveSectionRestoresTheFile) {
  for (std::string original : {std::string("[default]\nregion = a\n"), std::string("# c\n[default]\r\nregion = a\r\n"),
                               std::string("")}) {
    Document doc = Document::parse(original);
    ASSERT_TRUE(doc.set_property(kDev, "region", "b"));
    EXPECT_TRUE(doc.remove_section(kDev));
    EXPECT_EQ(doc.text(), original);
  }
}

TEST(Edit, RemoveSectionKeepsTheNextSectionsComment) {
  EXPECT_EQ(edited("[profile a]\nx = 1\n# about a\n\n# about b\n[profile b]\ny = 2\n",
                   [](Document& d) { EXPECT_TRUE(d.remove_section({"profile", "a"})); }),
            "\n# about b\n[profile b]\ny = 2\n");
  EXPECT_EQ(edited("[default]\nx = 1\n\n[profile a]\ny = 2\n\n[profile b]\n",
                   [](Document& d) { EXPECT_TRUE(d.remove_section({"profile", "a"})); }),
            "[default]\nx = 1\n\n[profile b]\n");
}

TEST(Edit, RenameSectionRewritesOnlyTheName) {
  EXPECT_EQ(edited("[profile a] # main\nx = 1\n", [](Document& d) { ASSERT_TRUE(d.rename_section({"profile", "a"}, {"profile", "b c"})); }),
            "[profile \"b c\"] # main\nx = 1\n");
  Document doc = Document::parse("[profile a]\n[profile b]\n");
  EXPECT_FALSE(doc.rename_section({"profile", "a"}, {"profile", "b"}));
  EXPECT_FALSE(doc.rename_section({"profile", "zz"}, {"profile", "y"}));
}

TEST(Edit, SectionIsEmpty) {
  Document doc = Document::parse("[a]\n# c\n[b]\nx = 1\n");
  EXPECT_TRUE(doc.section_is_empty({"", "a"}));
  EXPECT_FALSE(doc.section_is_empty({"", "b"}));
  EXPECT_FALSE(doc.section_is_empty({"", "zz"}));
}

}  // namespace edit_test
}  // namespace awsprof

namespace awsprof {
namespace edit_test {

// Found by the fuzzer: a name whose header reads back as another name must be refused, or the
// edit that created it cannot find it again.
TEST(Edit, RefusesSectionNamesThatDoNotReadBack) {
  Document doc = Document::parse("");
  EXPECT_FALSE(doc.add_section({"", " "}));
  EXPECT_FALSE(doc.add_section({"", " x"}));
  EXPECT_FALSE(doc.set_property({"", "profile x"}, "k", "v"));
  EXPECT_FALSE(doc.set_sub_property({"", "profile x"}, "s3", "k", "v"));
  EXPECT_EQ(doc.text(), "");
  Document named = Document::parse("[profile a]\n");
  EXPECT_FALSE(named.rename_section({"profile", "a"}, {"", "profile b"}));
  EXPECT_EQ(named.text(), "[profile a]\n");
}

}  // namespace edit_test
}  // namespace awsprof
