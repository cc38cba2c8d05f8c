// UTF-8 and the whitespace rules of the two readers (Python's str methods for the AWS CLI,
// Rust's char::is_whitespace for the SDK specification). Internal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awsprof::detail {

/// Offset of the first byte that is not valid UTF-8 (Python's strict decoder rules: no overlong
/// forms, no surrogates, nothing above U+10FFFF), or nullopt when the whole text is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

/// Decodes the code point at `pos` of valid UTF-8 text; sets `length` to its byte count.
char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t& length);

/// Python's str.isspace() for one code point (also what re's \s matches).
bool is_python_space(char32_t c);
/// Rust's char::is_whitespace() (Unicode White_Space).
bool is_unicode_white_space(char32_t c);

// The general cases of the functions below, which decode UTF-8.
std::string_view python_rstrip_decoding(std::string_view text);
std::string_view python_lstrip_decoding(std::string_view text);
std::size_t python_indent_decoding(std::string_view text);
std::size_t python_space_length_decoding(std::string_view text, std::size_t pos);

// Whitespace is Python's (str.isspace(), str.strip(), re's \s), the AWS CLI's reading, in one
// place: the cli reader, the lossless document and the edits all ask these functions. The SDKs'
// specification trims only spaces and tabs (profile_model_sdk.cpp), and the AWS CLI splits section
// names like a shell (shlex.cpp); both are narrower, and differ on purpose.

/// Python's whitespace among ASCII characters: \t \n \v \f \r, \x1c-\x1f and space.
inline bool is_ascii_python_space(unsigned char c) {
  constexpr unsigned long long kSpaces = 0x1F0003E00ull;  // bits 0x09-0x0D and 0x1C-0x20
  return c <= 0x20 && ((kSpaces >> c) & 1) != 0;
}

/// The length in bytes of the whitespace character that starts at `pos` (< the text's size), or 0
/// when none does. Bytes that are not valid UTF-8 are no whitespace, so any text may be asked.
inline std::size_t python_space_length(std::string_view text, std::size_t pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return is_ascii_python_space(c) ? 1 : 0;
  return python_space_length_decoding(text, pos);
}

/// The first whitespace character anywhere in `text`, or nullopt.
std::optional<char32_t> find_python_space(std::string_view text);

/// How a message names a character that may not print: "U+001C".
std::string code_point_name(char32_t c);

/// True when `c` is an ASCII character that is not whitespace: the common case, which needs no
/// decoding. Inline, because the readers ask it for every line.
inline bool is_ascii_non_space(unsigned char c) { return c < 0x80 && !is_ascii_python_space(c); }

/// Python's str.strip(), lstrip() and rstrip(). ASCII blanks are dropped here; the first non-ASCII
/// character at an edge hands over to the decoding walk.
inline std::string_view python_rstrip(std::string_view text) {
  while (!text.empty()) {
    const auto c = static_cast<unsigned char>(text.back());
    if (c >= 0x80) return python_rstrip_decoding(text);
    if (!is_ascii_python_space(c)) break;
    text.remove_suffix(1);
  }
  return text;
}
inline std::string_view python_lstrip(std::string_view text) {
  while (!text.empty()) {
    const auto c = static_cast<unsigned char>(text.front());
    if (c >= 0x80) return python_lstrip_decoding(text);
    if (!is_ascii_python_space(c)) break;
    text.remove_prefix(1);
  }
  return text;
}
inline std::string_view python_strip(std::string_view text) {
  return python_lstrip(python_rstrip(text));
}
/// The index, in code points, of the first non-space character (Python's \S search), or the
/// number of code points when there is none.
inline std::size_t python_indent(std::string_view text) {
  if (!text.empty() && is_ascii_non_space(static_cast<unsigned char>(text.front()))) return 0;
  return python_indent_decoding(text);
}

/// Python's str.lower() on valid UTF-8: full Unicode lower-casing, including U+0130 becoming
/// "i\u0307" and the final-sigma rule. Falls back to ASCII when no UTF-8 locale data exists.
std::string python_lower(std::string_view text);

/// Python's str.splitlines() boundaries: \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029.
std::vector<std::string_view> python_splitlines(std::string_view text);

}  // namespace awsprof::detail
