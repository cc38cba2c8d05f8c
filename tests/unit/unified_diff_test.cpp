#include "awsprof/syntax/unified_diff.hpp"

#include <gtest/gtest.h>

namespace awsprof {
namespace unified_diff_test {

std::string diff(std::string a, std::string b, const DiffLineDisplay& display = {}) {
  return unified_diff(Document::parse(std::move(a)), Document::parse(std::move(b)), "old", "new", display);
}

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(diff("a\nb\n", "a\nb\n"), "");
}

TEST(UnifiedDiff, ChangedLineWithContextDeletionsFirst) {
  EXPECT_EQ(diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n"),
            "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, AddingToAnEmptyFile) {
  EXPECT_EQ(diff("", "[default]\nregion = a\n"),
            "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+[default]\n+region = a\n");
}

TEST(UnifiedDiff, SeparateHunksAndOneLineRanges) {
  std::string a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
  std::string b = "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n";
  EXPECT_EQ(diff(a, b),
            "--- old\n+++ new\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d\n@@ -7,4 +7,4 @@\n g\n h\n i\n-j\n+J\n");
}

TEST(UnifiedDiff, MissingFinalNewlineAndCrlf) {
  EXPECT_EQ(diff("a\r\nb", "a\r\nb\r\nc"),
            "--- old\n+++ new\n@@ -1,2 +1,3 @@\n a\r\n-b\n\\ No newline at end of file\n+b\r\n+c\n\\ No "
            "newline at end of file\n");
}

TEST(UnifiedDiff, DisplayMasksWhatIsShown) {
  auto mask = [](DiffSide side, std::size_t, std::string_view) {
    return side == DiffSide::before ? "OLD" : "NEW";
  };
  EXPECT_EQ(diff("x\n", "y\n", mask), "--- old\n+++ new\n@@ -1 +1 @@\n-OLD\n+NEW\n");
}

}  // namespace unified_diff_test
}  // namespace awsprof
