#include "unicode_text.hpp"

#include <locale.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <wctype.h>

namespace awsprof::detail {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Skip ASCII eight bytes at a time: config files are almost entirely ASCII.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    i += len;
  }
  return std::nullopt;
}

char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t& length) {
  const auto c = static_cast<unsigned char>(text[pos]);
  auto cont = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(text[pos + k]) & 0x3F); };
  if (c < 0x80 || pos + 1 >= text.size()) {
    length = 1;
    return c;
  }
  if (c < 0xE0) {
    length = 2;
    return (static_cast<char32_t>(c & 0x1F) << 6) | cont(1);
  }
  if (c < 0xF0 && pos + 2 < text.size()) {
    length = 3;
    return (static_cast<char32_t>(c & 0x0F) << 12) | (cont(1) << 6) | cont(2);
  }
  if (pos + 3 < text.size()) {
    length = 4;
    return (static_cast<char32_t>(c & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
  }
  length = 1;
  return c;
}

bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_unicode_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::size_t python_space_length_decoding(std::string_view text, std::size_t pos) {
  std::size_t length = 1;
  const char32_t c = decode_utf8(text, pos, length);
  if (length == 1 || find_invalid_utf8(text.substr(pos, length))) return 0;
  return is_python_space(c) ? length : 0;
}

std::optional<char32_t> find_python_space(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (python_space_length(text, pos) == 0) continue;
    std::size_t length = 1;
    return decode_utf8(text, pos, length);
  }
  return std::nullopt;
}

std::string code_point_name(char32_t c) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
  return name;
}

namespace {
// Both walks decode only non-ASCII characters: the blanks around keys and values are ASCII.
std::size_t leading_python_space_bytes(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = python_space_length(text, pos);
    if (length == 0) break;
    pos += length;
  }
  return pos;
}

// Start of the trailing run of spaces: walk back over continuation bytes to each code point.
std::size_t trailing_python_space_start(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    const auto byte = static_cast<unsigned char>(text[end - 1]);
    if (byte < 0x80) {
      if (!is_ascii_python_space(byte)) break;
      --end;
      continue;
    }
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (python_space_length(text, start) != end - start) break;
    end = start;
  }
  return end;
}
}  // namespace

std::string_view python_rstrip_decoding(std::string_view text) {
  return text.substr(0, trailing_python_space_start(text));
}

std::string_view python_lstrip_decoding(std::string_view text) { return text.substr(leading_python_space_bytes(text)); }

std::size_t python_indent_decoding(std::string_view text) {
  std::size_t pos = 0, count = 0;
  while (pos < text.size()) {
    const std::size_t length = python_space_length(text, pos);
    if (length == 0) break;
    pos += length;
    ++count;
  }
  return count;
}

namespace {

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// The UTF-8 case tables, without touching the process's global locale.
locale_t utf8_ctype() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

bool is_cased(char32_t c, locale_t loc) {
  auto w = static_cast<wint_t>(c);
  return towlower_l(w, loc) != w || towupper_l(w, loc) != w;
}

bool is_case_ignorable(char32_t c) {
  return c == '\'' || c == '.' || c == ':' || c == '^' || c == '`' || c == 0xAD || c == 0x2019 ||
         (c >= 0x300 && c <= 0x36F);
}

}  // namespace

std::string python_lower(std::string_view text) {
  // Nearly every key is ASCII: lower-case it in place without decoding.
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string ascii(text);
    for (char& c : ascii)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return ascii;
  }
  std::string out;
  out.reserve(text.size());
  locale_t loc = utf8_ctype();
  std::vector<char32_t> code_points;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t len = 1;
    code_points.push_back(decode_utf8(text, pos, len));
    pos += len;
  }
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    char32_t c = code_points[i];
    if (c < 0x80 || loc == static_cast<locale_t>(0)) {
      append_utf8(out, (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    } else if (c == 0x130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE: full mapping is two code points
      append_utf8(out, 'i');
      append_utf8(out, 0x307);
    } else if (c == 0x3A3) {  // GREEK CAPITAL SIGMA: final form after a cased letter, not before one
      std::size_t before = i;
      while (before > 0 && is_case_ignorable(code_points[before - 1])) --before;
      std::size_t after = i + 1;
      while (after < code_points.size() && is_case_ignorable(code_points[after])) ++after;
      bool final_sigma = before > 0 && is_cased(code_points[before - 1], loc) &&
                         !(after < code_points.size() && is_cased(code_points[after], loc));
      append_utf8(out, final_sigma ? 0x3C2 : 0x3C3);
    } else {
      append_utf8(out, static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), loc)));
    }
  }
  return out;
}

std::vector<std::string_view> python_splitlines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0, pos = 0;
  while (pos < text.size()) {
    auto c = static_cast<unsigned char>(text[pos]);
    std::size_t break_length = 0;
    if (c == '\r') {
      break_length = (pos + 1 < text.size() && text[pos + 1] == '\n') ? 2 : 1;
    } else if (c == '\n' || c == '\v' || c == '\f' || c == 0x1C || c == 0x1D || c == 0x1E) {
      break_length = 1;
    } else if (c == 0xC2 && pos + 1 < text.size() && static_cast<unsigned char>(text[pos + 1]) == 0x85) {
      break_length = 2;
    } else if (c == 0xE2 && pos + 2 < text.size() && static_cast<unsigned char>(text[pos + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[pos + 2]) == 0xA8 || static_cast<unsigned char>(text[pos + 2]) == 0xA9)) {
      break_length = 3;
    }
    if (break_length == 0) {
      ++pos;
      continue;
    }
    lines.push_back(text.substr(start, pos - start));
    pos += break_length;
    start = pos;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

}  // namespace awsprof::detail
