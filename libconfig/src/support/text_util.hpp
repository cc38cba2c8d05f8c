// Small text helpers shared by the library's sources. Internal: not installed.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace awsprof::detail {

/// How many times `byte` occurs in `text`: memchr from one to the next, for bytes that are rare
/// (std::count is a byte loop).
inline std::size_t count_byte(std::string_view text, char byte) {
  std::size_t count = 0;
  for (const char* at = text.data(), *end = text.data() + text.size();
       (at = static_cast<const char*>(std::memchr(at, byte, static_cast<std::size_t>(end - at)))) != nullptr; ++at)
    ++count;
  return count;
}

/// Where a line ends, and the line break after it: "\n", "\r\n" or a lone "\r", the breaks
/// Python's universal newlines (so the AWS CLI) and the lossless document split on.
/// `eol_length` is 0 for a last line without a break.
struct LineEnd {
  std::size_t end = 0;
  std::size_t eol_length = 0;
};

/// The first `byte` in [from, end), or `end`. Eight bytes a step (the classic test for a zero
/// byte, on the word XOR the byte): lines are a few dozen bytes, too short for memchr's set-up
/// to pay off, and it was a tenth of reading a large file.
inline const char* find_byte(const char* from, const char* end, char byte) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kHighs = 0x8080808080808080ull;
    const std::uint64_t pattern = kOnes * static_cast<unsigned char>(byte);
    for (; end - from >= 8; from += 8) {
      std::uint64_t word;
      std::memcpy(&word, from, 8);
      word ^= pattern;
      // The lowest set bit marks the first zero byte exactly (borrows only run upwards).
      if (const std::uint64_t zeros = (word - kOnes) & ~word & kHighs; zeros != 0)
        return from + std::countr_zero(zeros) / 8;
    }
  }
  for (; from < end; ++from)
    if (*from == byte) return from;
  return end;
}

/// Splits a text into lines, looking for '\r' only when the text holds one, which few files do.
class LineSplitter {
 public:
  explicit LineSplitter(std::string_view text)
      : text_(text), has_cr_(std::memchr(text.data(), '\r', text.size()) != nullptr) {}

  /// The end of the line that starts at `from` (< the text's size).
  LineEnd end_of_line_at(std::size_t from) const {
    const char* begin = text_.data() + from;
    const char* text_end = text_.data() + text_.size();
    const char* newline = find_byte(begin, text_end, '\n');
    const auto limit = static_cast<std::size_t>(newline - begin);
    if (has_cr_) {
      if (const auto* cr = static_cast<const char*>(std::memchr(begin, '\r', limit))) {
        const std::size_t end = from + static_cast<std::size_t>(cr - begin);
        return {end, end + 1 < text_.size() && text_[end + 1] == '\n' ? 2u : 1u};
      }
    }
    return {from + limit, newline != text_end ? 1u : 0u};
  }

 private:
  std::string_view text_;
  bool has_cr_;
};

inline bool is_blank_char(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank_char(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank_char(s.back())) s.remove_suffix(1);
  return s;
}

/// The first '=' or ':' (the AWS CLI's delimiters). A plain loop: std::string_view's
/// find_first_of calls memchr once per character, which dominated parsing large files.
inline std::size_t find_delimiter(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '=' || s[i] == ':') return i;
  return std::string_view::npos;
}

/// `text` on one line, for messages: each line break written as the two characters \n (or \r).
inline std::string on_one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

/// `text` in double quotes, as messages name profiles and keys.
inline std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

/// The parts of `text` between each `separator`, empty ones included: "a..b" gives {"a", "", "b"},
/// "" gives {""}.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t pos = text.find(separator, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

/// At most `limit` bytes of a reply for a message, control characters blanked, "..." when cut.
inline std::string printable_excerpt(std::string_view body, std::size_t limit) {
  std::string out;
  for (char c : body.substr(0, limit)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (body.size() > limit) out += "...";
  return out;
}

}  // namespace awsprof::detail
