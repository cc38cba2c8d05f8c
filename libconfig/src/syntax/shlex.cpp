#include "shlex.hpp"

#include <algorithm>
#include <array>

namespace awsprof::detail {

namespace {
// What each byte is to the quick split: part of a plain word, a word break, or a character
// (quote, backslash) that needs the full tokenizer. One table load a byte: every section
// header of a file goes through this.
enum class ByteClass : unsigned char { word, space, special };
constexpr std::array<ByteClass, 256> kByteClasses = [] {
  std::array<ByteClass, 256> classes{};
  for (char c : {' ', '\t', '\r', '\n'}) classes[static_cast<unsigned char>(c)] = ByteClass::space;
  for (char c : {'"', '\'', '\\'}) classes[static_cast<unsigned char>(c)] = ByteClass::special;
  return classes;
}();
ByteClass class_of(char c) { return kByteClasses[static_cast<unsigned char>(c)]; }
bool is_shlex_space(char c) { return class_of(c) == ByteClass::space; }
}  // namespace

// A transcription of shlex.shlex.read_token's states for posix=True, whitespace_split=True and
// no commenters: outside a word, inside a word, inside quotes, and after a backslash.
std::optional<std::vector<std::string>> shlex_split(std::string_view text) {
  std::vector<std::string> words;
  // Without quotes or backslashes, shlex only splits at whitespace.
  if (text.find_first_of("\"'\\") == std::string_view::npos) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      while (pos < text.size() && is_shlex_space(text[pos])) ++pos;
      std::size_t end = pos;
      while (end < text.size() && !is_shlex_space(text[end])) ++end;
      if (end > pos) words.emplace_back(text.substr(pos, end - pos));
      pos = end;
    }
    return words;
  }
  std::string token;
  bool quoted = false;
  bool in_word = false;
  char quote = 0;            // the open quote, or 0
  bool escaped = false;      // the previous character was a backslash
  char escape_origin = 0;    // the quote the backslash appeared in, or 0 for a word

  auto finish = [&] {
    if (!token.empty() || quoted) words.push_back(token);
    token.clear();
    quoted = false;
    in_word = false;
  };

  for (char c : text) {
    if (escaped) {
      // Inside double quotes a backslash only escapes '"' and '\'; otherwise it is kept.
      if (escape_origin != 0 && c != escape_origin && c != '\\') token += '\\';
      token += c;
      escaped = false;
      quote = escape_origin;
      in_word = true;
      continue;
    }
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
        in_word = true;
      } else if (c == '\\' && quote == '"') {
        escaped = true;
        escape_origin = '"';
      } else {
        token += c;
      }
      continue;
    }
    if (is_shlex_space(c)) {
      if (in_word || quoted) finish();
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      quoted = true;
      in_word = true;
      continue;
    }
    if (c == '\\') {
      escaped = true;
      escape_origin = 0;
      in_word = true;
      continue;
    }
    token += c;
    in_word = true;
  }
  if (escaped || quote != 0) return std::nullopt;
  if (in_word || quoted) finish();
  return words;
}

std::optional<std::string_view> shlex_second_of_two(std::string_view text, std::string& unquoted) {
  // One pass finds the words in place; a quote or backslash in the first three words hands over
  // to the full tokenizer.
  std::string_view found[2];
  std::size_t count = 0, pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && class_of(text[pos]) == ByteClass::space) ++pos;
    std::size_t end = pos;
    while (end < text.size() && class_of(text[end]) == ByteClass::word) ++end;
    if (end < text.size() && class_of(text[end]) == ByteClass::special) {
      auto words = shlex_split(text);
      if (!words || words->size() != 2) return std::nullopt;
      unquoted = std::move((*words)[1]);
      return std::string_view(unquoted);
    }
    if (end > pos) {
      if (count == 2) return std::nullopt;  // a third word: nothing after it can join it to another
      found[count++] = text.substr(pos, end - pos);
    }
    pos = end;
  }
  if (count != 2) return std::nullopt;
  return found[1];
}

}  // namespace awsprof::detail
