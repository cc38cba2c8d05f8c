#include "shlex.hpp"

namespace awsprof::detail {

namespace {
bool is_shlex_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
}  // namespace

// A transcription of shlex.shlex.read_token's states for posix=True, whitespace_split=True and
// no commenters: outside a word, inside a word, inside quotes, and after a backslash.
std::optional<std::vector<std::string>> shlex_split(std::string_view text) {
  std::vector<std::string> words;
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

}  // namespace awsprof::detail
