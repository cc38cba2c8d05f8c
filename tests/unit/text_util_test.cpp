// The byte searches the readers split lines with, against the obvious loop.
#include "text_util.hpp"

#include <gtest/gtest.h>

#include <string>

namespace awsprof::detail {
namespace text_util_test {

TEST(FindByte, AgreesWithALoopAtEveryOffsetAndLength) {
  // Bytes next to the target that trip naive word tricks: 0x0B (target + 1), 0x09, 0x80, 0xFF, 0x00.
  const std::string filler = std::string("ab\x0B\x09\x80\xFF", 6) + std::string(1, '\0') + "xyz\x8A";
  for (std::size_t length = 0; length <= 40; ++length) {
    std::string text;
    for (std::size_t i = 0; i < length; ++i) text += filler[i % filler.size()];
    EXPECT_EQ(find_byte(text.data(), text.data() + text.size(), '\n'), text.data() + text.size()) << length;
    for (std::size_t at = 0; at < length; ++at) {
      std::string with = text;
      with[at] = '\n';
      if (at + 3 < length) with[at + 3] = '\n';  // a later one must not win
      EXPECT_EQ(find_byte(with.data(), with.data() + with.size(), '\n') - with.data(), static_cast<long>(at))
          << "length " << length << " at " << at;
    }
  }
}

TEST(LineSplitter, SplitsOnUniversalNewlines) {
  const std::string text = "first line is long enough for a word\r\nb\rc\n\nlast without a break";
  LineSplitter lines(text);
  std::vector<std::string> seen;
  for (std::size_t pos = 0; pos < text.size();) {
    LineEnd end = lines.end_of_line_at(pos);
    seen.push_back(text.substr(pos, end.end - pos) + "|" + std::to_string(end.eol_length));
    pos = end.end + end.eol_length;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"first line is long enough for a word|2", "b|1", "c|1", "|1",
                                            "last without a break|0"}));
}

TEST(CountByte, CountsEveryOccurrence) {
  EXPECT_EQ(count_byte("", '['), 0u);
  EXPECT_EQ(count_byte("[a] [b]\n[c", '['), 3u);
  EXPECT_EQ(count_byte(std::string(1000, '['), '['), 1000u);
}

}  // namespace text_util_test
}  // namespace awsprof::detail
