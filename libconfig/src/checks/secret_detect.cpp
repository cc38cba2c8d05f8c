#include "secret_detect.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace awsprof::detail {
namespace {

inline bool is_upper(unsigned char c) {
  return c >= 'A' && c <= 'Z';
}
inline bool is_lower(unsigned char c) {
  return c >= 'a' && c <= 'z';
}
inline bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(unsigned char c) {
  return is_upper(c) || is_lower(c);
}
inline bool is_alnum(unsigned char c) {
  return is_alpha(c) || is_digit(c);
}
inline bool is_secret_char(unsigned char c) {
  return is_alnum(c) || c == '/' || c == '+';
}
inline bool is_name_char(unsigned char c) {
  static constexpr auto kTable = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
      table[static_cast<std::size_t>(c)] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    return table;
  }();
  return kTable[c];
}
inline bool is_blank(unsigned char c) {
  return c == ' ' || c == '\t';
}
inline bool is_quote(unsigned char c) {
  return c == '"' || c == '\'' || c == '`';
}
inline bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline char to_lower(unsigned char c) {
  return static_cast<char>(is_upper(c) ? c + ('a' - 'A') : c);
}
inline int hex_value(unsigned char c) {
  return is_digit(c) ? c - '0' : (to_lower(c) - 'a' + 10);
}

/// A short word of the file, lower-cased (the first 31 characters of a longer one).
class LowerWord {
 public:
  LowerWord(const unsigned char* data, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end && size_ < text_.size(); ++i) text_[size_++] = to_lower(data[i]);
  }
  std::string_view view() const { return {text_.data(), size_}; }

 private:
  std::array<char, 31> text_{};
  std::size_t size_ = 0;
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

template <std::size_t N>
bool one_of(std::string_view word, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

/// The same for a long list, sorted: a binary search.
template <std::size_t N>
bool one_of_sorted(std::string_view word, const std::string_view (&words)[N]) {
  return std::binary_search(std::begin(words), std::end(words), word);
}

// ---- Names.

// A last word that makes the name one of a credential's attributes, not the credential. Sorted.
constexpr std::string_view kAttributeWords[] = {
    "arn",      "arns",      "at",      "bucket",   "count",    "date",       "desc",    "description",
    "dir",      "duration",  "enabled", "endpoint", "env",      "expiration", "expires", "expiry",
    "field",    "file",      "files",   "format",   "header",   "hint",       "id",      "ids",
    "kind",     "label",     "len",     "length",   "location", "manager",    "name",    "names",
    "param",    "parameter", "path",    "pattern",  "policy",   "prefix",     "prompt",  "prop",
    "property", "provider",  "ref",     "regex",    "region",   "rotation",   "seconds", "size",
    "stage",    "store",     "suffix",  "template", "time",     "timeout",    "ttl",     "type",
    "uri",      "url",       "var",     "variable", "version",  "versions"};
// Words that make "key" or "sk" an AWS secret key's name.
constexpr std::string_view kKeyQualifiers[] = {"aws", "amazon", "amz",     "s3",
                                               "s3a", "iam",    "private", "minio"};
// Words that make "token" a session token's name.
constexpr std::string_view kTokenQualifiers[] = {"session", "security", "aws",      "amz",
                                                 "sts",     "temp",     "temporary"};
// A word between a name and its value: prose ("set AWS_SECRET_ACCESS_KEY to ...", "the secret is
// ...") and Python's fallback (os.environ.get("AWS_SECRET_ACCESS_KEY") or "...").
constexpr std::string_view kProseWords[] = {"to", "is", "was", "as", "be", "or"};
// Label words after a name, separated by a blank: "Secret access key", "Session token".
constexpr std::string_view kLabelWords[] = {"access", "key", "id", "secret", "token"};

/// A name split into lower-cased words, without allocating: names are a few dozen characters.
class NameWords {
 public:
  explicit NameWords(std::string_view name) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < name.size() && size_ < text_.size(); ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      if (!is_alnum(c)) {
        close(start);
        continue;
      }
      if (size_ > start && is_upper(c)) {
        const auto previous = static_cast<unsigned char>(name[i - 1]);
        const bool camel = is_lower(previous) || is_digit(previous);  // secretKey, s3Key
        const bool acronym_end = is_upper(previous) && i + 1 < name.size() &&
                                 is_lower(static_cast<unsigned char>(name[i + 1]));  // AWSKey
        if (camel || acronym_end) close(start);
      }
      text_[size_++] = to_lower(c);
    }
    close(start);
  }
  std::size_t count() const { return count_; }
  std::string_view operator[](std::size_t i) const { return words_[i]; }
  const std::string_view* begin() const { return words_.data(); }
  const std::string_view* end() const { return words_.data() + count_; }
  /// All the words, back to back ("awssecretaccesskey").
  std::string_view joined() const { return {text_.data(), size_}; }

 private:
  void close(std::size_t& start) {
    if (size_ > start && count_ < words_.size())
      words_[count_++] = std::string_view(text_.data() + start, size_ - start);
    start = size_;
  }
  std::array<char, 192> text_;  // words_ point into it
  std::size_t size_ = 0;
  std::array<std::string_view, 24> words_;
  std::size_t count_ = 0;
};

// ---- Assignment syntax.

constexpr std::size_t kBlanksMax = 256;  ///< Alignment (terraform fmt, gofmt) stays well below this.

std::size_t skip_blanks(const unsigned char* data, std::size_t size, std::size_t pos) {
  for (std::size_t n = 0; pos < size && n < kBlanksMax && is_blank(data[pos]); ++n) ++pos;
  return pos;
}

/// Quotes, escaping backslashes and closing brackets right after a name: "AWS_SECRET"] \"key\".
std::size_t skip_closers(const unsigned char* data, std::size_t size, std::size_t pos) {
  for (std::size_t n = 0; pos < size && n < 6; ++n, ++pos) {
    const unsigned char c = data[pos];
    if (!is_quote(c) && c != '\\' && c != ']' && c != ')') break;
  }
  return pos;
}

/// String prefixes (r" b' u" f" @"), quotes, escaped quotes and an opening bracket before a value.
std::size_t skip_openers(const unsigned char* data, std::size_t size, std::size_t pos) {
  if (pos + 1 < size && is_quote(data[pos + 1]) &&
      (data[pos] == 'r' || data[pos] == 'b' || data[pos] == 'u' || data[pos] == 'f' || data[pos] == '@'))
    ++pos;
  for (std::size_t n = 0; pos < size && n < 6; ++n, ++pos) {
    const unsigned char c = data[pos];
    const bool escape = c == '\\' && pos + 1 < size && (is_quote(data[pos + 1]) || data[pos + 1] == '\\');
    if (!is_quote(c) && !escape && c != '[' && c != '(') break;
  }
  return pos;
}

std::size_t skip_operator(const unsigned char* data, std::size_t size, std::size_t pos) {
  // Assignments, then the fallbacks that give a variable's value in code (X || "...", ${X:-...}).
  static constexpr std::string_view kOperators[] = {":::=", "::=", "||=", ":=", ":-", "?=", "??",
                                                    "?:",   "||",  "+=",  "=>", "->", "<-", "==",
                                                    "=",    ":",   ",",   "|",  ">"};
  if (pos >= size || std::strchr(":|?+=-<,>", data[pos]) == nullptr || data[pos] == 0) return kNoValue;
  for (std::string_view op : kOperators) {
    if (size - pos >= op.size() && std::memcmp(data + pos, op.data(), op.size()) == 0) return pos + op.size();
  }
  return kNoValue;
}

/// Blanks and at most `breaks` line breaks.
std::size_t skip_space(const unsigned char* data, std::size_t size, std::size_t pos, int breaks) {
  for (std::size_t n = 0; pos < size && n < kBlanksMax; ++n, ++pos) {
    const unsigned char c = data[pos];
    if (c == '\n' && breaks-- > 0) continue;
    if (!is_blank(c) && c != '\r') break;
  }
  return pos;
}

/// One tag at `pos` ("<value>", "</name>"): the position after its '>', or kNoValue.
std::size_t skip_tag(const unsigned char* data, std::size_t size, std::size_t pos, bool end_tag) {
  if (pos + 1 >= size || data[pos] != '<' || (data[pos + 1] == '/') != end_tag) return kNoValue;
  for (std::size_t n = 0; pos < size && n < 96; ++n, ++pos) {
    if (data[pos] == '\n') return kNoValue;
    if (data[pos] == '>') return pos + 1;
  }
  return kNoValue;
}

/// "</name>", blanks and up to two line breaks, "<value>": where the element's text starts.
std::size_t after_end_tag(const unsigned char* data, std::size_t size, std::size_t pos) {
  pos = skip_tag(data, size, pos, true);
  if (pos == kNoValue) return kNoValue;
  return skip_tag(data, size, skip_space(data, size, pos, 2), false);
}

/// A name/value pair: the value under a key ending in "value", or "default", on the same line or
/// in the next three ("name": "X", "value": ...; - name: X / value: ...; key="X" value="...";
/// variable "X" { type = string / default = "..." }; a CloudFormation parameter's Default).
std::size_t after_value_key(const unsigned char* data, std::size_t size, std::size_t pos) {
  int lines = 3;
  for (std::size_t n = 0; pos < size && n < 512; ++n) {
    const unsigned char c = data[pos];
    if (c == '\n') {
      if (lines-- == 0) return kNoValue;
      ++pos;
      continue;
    }
    if (is_blank(c) || c == '\r' || c == ',' || c == '{' || c == '-') {
      ++pos;
      continue;
    }
    const std::size_t key = skip_openers(data, size, pos);
    std::size_t word_end = key;
    while (word_end < size && word_end - key < 24 && (is_alpha(data[word_end]) || data[word_end] == '_'))
      ++word_end;
    const LowerWord word(data, key, word_end);
    if (ends_with(word.view(), "value") || word.view() == "default") {
      const std::size_t op = skip_blanks(data, size, skip_closers(data, size, word_end));
      if (op < size && (data[op] == ':' || data[op] == '='))
        return skip_openers(data, size, skip_blanks(data, size, op + 1));
    }
    // Some other key and its value: on to the next line.
    const void* eol = std::memchr(data + pos, '\n', size - pos);
    if (eol == nullptr) return kNoValue;
    pos = static_cast<std::size_t>(static_cast<const unsigned char*>(eol) - data);
  }
  return kNoValue;
}

/// A type between a name and '=' (k: string = "...", var k string = "...", K: Final[str] = ...)
/// or one word of prose (to, is): where the value after it starts, or kNoValue.
std::size_t after_type_or_prose(const unsigned char* data, std::size_t size, std::size_t pos) {
  std::size_t word_end = pos;
  while (word_end < size && word_end - pos < 40 &&
         (is_alnum(data[word_end]) ||
          (data[word_end] != 0 && std::strchr("_.<>[]&*", data[word_end]) != nullptr)))
    ++word_end;
  if (word_end == pos) return kNoValue;
  const std::size_t next = skip_blanks(data, size, word_end);
  if (next < size && data[next] == '=' && !(next + 1 < size && data[next + 1] == '='))
    return skip_openers(data, size, skip_blanks(data, size, next + 1));
  if (next > word_end && one_of(LowerWord(data, pos, word_end).view(), kProseWords))
    return skip_openers(data, size, next);
  return kNoValue;
}

/// The byte a %XX escape at `pos` stands for when a base64 value can hold it ('/', '+', '='), else 0.
char url_escaped(const unsigned char* data, std::size_t size, std::size_t pos) {
  if (pos + 2 >= size || data[pos] != '%' || !is_hex(data[pos + 1]) || !is_hex(data[pos + 2])) return 0;
  const char c = static_cast<char>(hex_value(data[pos + 1]) * 16 + hex_value(data[pos + 2]));
  return c == '/' || c == '+' || c == '=' ? c : 0;
}

/// True when `min` characters that a base64 value can be written with (escapes included) follow `pos`.
bool value_may_start_at(const unsigned char* data, std::size_t size, std::size_t pos, std::size_t min) {
  std::size_t end = pos;
  while (end < size && end - pos < min &&
         (is_secret_char(data[end]) || data[end] == '=' || data[end] == '%' || data[end] == '\\'))
    ++end;
  return end - pos >= min;
}

/// Reads base64 characters from `begin`, decoding \/ and %2F %2B %3D; '=' only when `padding`.
/// Stops early, with what it read so far, when fewer than `min` characters follow.
Value read_base64(const unsigned char* data, std::size_t size, std::size_t begin, bool padding,
                  std::size_t min, std::size_t max) {
  Value value;
  value.begin = begin;
  value.end = begin;
  // Most candidates are a short word: no string for them.
  if (!value_may_start_at(data, size, begin, min)) return value;
  std::size_t pos = begin;
  while (pos < size && value.text.size() <= max) {
    const unsigned char c = data[pos];
    if (is_secret_char(c) || (padding && c == '=')) {
      value.text += static_cast<char>(c);
      ++pos;
    } else if (c == '\\' && pos + 1 < size && data[pos + 1] == '/') {
      value.text += '/';
      pos += 2;
    } else if (const char escaped = url_escaped(data, size, pos);
               escaped != 0 && (padding || escaped != '=')) {
      value.text += escaped;
      pos += 3;
    } else {
      break;
    }
  }
  value.end = pos;
  return value;
}

/// True when the value ending at `end` goes on as something longer: base64url ('-', '_'), a
/// JWT's or a file name's '.', or (`padding`) base64 padding.
bool continues(const unsigned char* data, std::size_t size, std::size_t end, bool padding) {
  if (end >= size) return false;
  const unsigned char c = data[end];
  if (c == '-' || c == '_') return true;
  if (c == '.' && end + 1 < size && is_alnum(data[end + 1])) return true;
  return padding && (c == '=' || url_escaped(data, size, end) == '=');
}

// ---- Randomness.

struct CharStats {
  bool upper = false, lower = false, digit = false;
  std::size_t distinct = 0;
  std::size_t longest_run = 0;  ///< Of one character repeated.
  std::size_t ascending = 0;    ///< Neighbours one apart in the alphabet (case ignored): abc, 123.
  std::size_t words = 0;        ///< Runs of five or more lower-case letters.
};

CharStats char_stats(std::string_view value) {
  CharStats stats;
  std::uint64_t seen[4] = {};
  std::size_t run = 0, lower_run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    stats.upper = stats.upper || is_upper(c);
    stats.lower = stats.lower || is_lower(c);
    stats.digit = stats.digit || is_digit(c);
    const std::uint64_t bit = std::uint64_t{1} << (c % 64);
    if ((seen[c / 64] & bit) == 0) ++stats.distinct;
    seen[c / 64] |= bit;
    run = i > 0 && value[i - 1] == value[i] ? run + 1 : 1;
    stats.longest_run = std::max(stats.longest_run, run);
    if (i > 0 && is_alnum(c) && to_lower(c) == to_lower(static_cast<unsigned char>(value[i - 1])) + 1)
      ++stats.ascending;
    lower_run = is_lower(c) ? lower_run + 1 : 0;
    if (lower_run == 5) ++stats.words;
  }
  return stats;
}

// The 150 most frequent letter pairs of English text. Random base32 has a few of them; twenty
// capital letters that spell words (ASIAPACIFICSALESTEAM) have many.
constexpr std::string_view kEnglishBigrams =
    "THHEINERANREONATENNDTIESORTEOFEDISITALARSTTONTNGSEHAASOUIOLEVECOMEDEHIRIROICNEEARACELICHLLBEMASIOMUR"
    "CAELTALANSDIFOHOPEECPRNOCTUSACOTILTRLYNCETUTSSSORSUNLOWAGEIEWHEEWIEMADOLRTPOWENAULNITSMOOWPAIMMIAISH"
    "IRSUIDOSIVIAAMFICIVIPLIGTUEVLDRYMPFEBLABGHTYOPWOSAAYEXKEFROOAVAGIFAPGRODBOSPRDDOUCBUEIOVBYRMEPTTOCFA";

std::size_t english_bigrams(std::string_view value) {
  static const auto table = [] {
    std::array<bool, 26 * 26> pairs{};
    for (std::size_t i = 0; i + 1 < kEnglishBigrams.size(); i += 2)
      pairs[static_cast<std::size_t>(kEnglishBigrams[i] - 'A') * 26 +
            static_cast<std::size_t>(kEnglishBigrams[i + 1] - 'A')] = true;
    return pairs;
  }();
  std::size_t count = 0;
  for (std::size_t i = 0; i + 1 < value.size(); ++i) {
    const auto a = static_cast<unsigned char>(value[i]), b = static_cast<unsigned char>(value[i + 1]);
    if (is_upper(a) && is_upper(b) && table[static_cast<std::size_t>(a - 'A') * 26 + (b - 'A')]) ++count;
  }
  return count;
}

}  // namespace

NameMeaning classify_name(std::string_view name) {
  const NameWords words(name);
  if (words.count() == 0 || one_of_sorted(words[words.count() - 1], kAttributeWords)) return {};
  const std::string_view joined = words.joined();
  const auto has_word = [&](const auto& list) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return one_of(w, list); });
  };
  const auto contains = [&](std::string_view part) { return joined.find(part) != std::string_view::npos; };
  // "key" or "sk" as a word (aws_key, AWS_SK), or glued to a qualifier (awskey, AWSSK).
  const bool key_word =
      std::any_of(words.begin(), words.end(), [](std::string_view w) { return w == "key" || w == "sk"; });
  const bool glued_key = std::any_of(words.begin(), words.end(), [](std::string_view w) {
    return (ends_with(w, "key") || ends_with(w, "sk")) &&
           std::any_of(std::begin(kKeyQualifiers), std::end(kKeyQualifiers),
                       [&](std::string_view q) { return starts_with(w, q) && w.size() > q.size(); });
  });
  NameMeaning meaning;
  meaning.secret_key =
      contains("secret") || contains("accesskey") || glued_key || (key_word && has_word(kKeyQualifiers));
  meaning.session_token =
      contains("token") && ((words.count() == 1 && words[0] == "token") || has_word(kTokenQualifiers) ||
                            contains("sessiontoken") || contains("securitytoken"));
  return meaning;
}

std::pair<std::size_t, std::size_t> name_around(const unsigned char* data, std::size_t size, std::size_t at) {
  std::size_t begin = std::min(at, size);
  for (std::size_t n = 0; begin > 0 && n < 64 && is_name_char(data[begin - 1]); ++n) --begin;
  std::size_t end = std::min(at, size);
  for (std::size_t n = 0; end < size && n < 64 && is_name_char(data[end]); ++n) ++end;
  for (int words = 0; words < 3 && end + 1 < size && data[end] == ' '; ++words) {
    std::size_t word_end = end + 1;
    while (word_end < size && word_end - end <= 7 && is_alpha(data[word_end])) ++word_end;
    if ((word_end < size && is_name_char(data[word_end])) ||
        !one_of(LowerWord(data, end + 1, word_end).view(), kLabelWords))
      break;
    end = word_end;
  }
  return {begin, end};
}

ValueStarts value_after_name(const unsigned char* data, std::size_t size, std::size_t end) {
  ValueStarts starts;
  const std::size_t closed = skip_closers(data, size, end);
  if (const std::size_t text = after_end_tag(data, size, closed); text != kNoValue) {
    starts.add(text);
    return starts;
  }
  const std::size_t after_blanks = skip_blanks(data, size, closed);
  std::size_t direct = kNoValue;
  if (const std::size_t op = skip_operator(data, size, after_blanks); op != kNoValue) {
    direct = skip_openers(data, size, skip_blanks(data, size, op));
  } else if (after_blanks > closed) {  // separated by blanks only: shell, Dockerfile ENV, prose
    direct = skip_openers(data, size, after_blanks);
  }
  if (direct != kNoValue) {
    starts.add(direct);
    starts.add(after_type_or_prose(data, size, direct));
  }
  return starts;
}

std::size_t value_under_key(const unsigned char* data, std::size_t size, std::size_t end) {
  // Only where the name stands alone: at the end of its line, maybe after a ':' (a YAML key that
  // opens a block, the value of a "name" key), or quoted before ',' or '{'. An expression after
  // the name (token = self.get_token()) is no such layout.
  const std::size_t closed = skip_closers(data, size, end);
  std::size_t next = skip_blanks(data, size, closed);
  if (next < size && data[next] == ':') next = skip_blanks(data, size, next + 1);
  const bool quoted = closed > end;  // "X", ... and "X" { : a string, not code's f(token, x)
  const bool stands_alone = next >= size || data[next] == '\n' || data[next] == '\r' ||
                            (quoted && (data[next] == ',' || data[next] == '{'));
  if (!stands_alone) return kNoValue;
  return after_value_key(data, size, closed);
}

std::size_t value_after_value(const unsigned char* data, std::size_t size, std::size_t end) {
  const std::size_t closed = skip_closers(data, size, end);
  if (const std::size_t text = after_end_tag(data, size, closed); text != kNoValue) return text;
  std::size_t pos = closed;
  int separators = 0, breaks = 1;
  for (std::size_t n = 0; pos < size && n < kBlanksMax; ++n, ++pos) {
    const unsigned char c = data[pos];
    if (is_blank(c) || c == '\r') continue;
    if (c == '\n' && breaks-- > 0) continue;
    if ((c == ',' || c == ';' || c == '|' || c == ':' || c == '=') && ++separators <= 2) continue;
    break;
  }
  if (pos == end) return kNoValue;
  return skip_openers(data, size, pos);
}

std::optional<Value> read_secret_key(const unsigned char* data, std::size_t size, std::size_t begin) {
  constexpr std::size_t kLength = 40;
  if (begin >= size || !starts_clear(data, begin) || (begin > 0 && is_secret_char(data[begin - 1])))
    return {};
  Value value = read_base64(data, size, begin, false, kLength, kLength);
  if (value.text.size() != kLength || continues(data, size, value.end, true)) return {};
  if (!looks_like_secret_key(value.text)) return {};
  return value;
}

std::optional<Value> read_session_token(const unsigned char* data, std::size_t size, std::size_t begin) {
  constexpr std::size_t kMinLength = 100, kMaxLength = 1 << 14;
  if (begin >= size || !starts_clear(data, begin) || (begin > 0 && is_secret_char(data[begin - 1])))
    return {};
  Value value = read_base64(data, size, begin, true, kMinLength, kMaxLength);
  if (value.text.size() < kMinLength || value.text.size() > kMaxLength ||
      continues(data, size, value.end, false))
    return {};
  if (!looks_like_session_token(value.text)) return {};
  return value;
}

bool looks_like_key_id(std::string_view value) {
  if (value.find("EXAMPLE") != std::string_view::npos || value.size() < 5) return false;
  const CharStats tail = char_stats(value.substr(4));
  if (tail.longest_run >= 5 || tail.distinct < 7 || tail.ascending >= 6) return false;
  // Capital words have 10 or more of the 15 pairs and no digit (or one: KEYID2); random base32
  // comes to that in about 1 key id of 9000.
  const std::string_view letters = value.substr(4);
  return std::count_if(letters.begin(), letters.end(),
                       [](char c) { return is_digit(static_cast<unsigned char>(c)); }) > 1 ||
         english_bigrams(letters) < 10;
}

bool looks_like_secret_key(std::string_view value) {
  if (value.find("EXAMPLE") != std::string_view::npos) return false;
  const CharStats stats = char_stats(value);
  return stats.upper && stats.lower && stats.digit && stats.longest_run < 5 && stats.distinct >= 20 &&
         stats.ascending < 8 && stats.words < 3;
}

bool looks_like_session_token(std::string_view value) {
  if (value.find("EXAMPLE") != std::string_view::npos) return false;
  const CharStats stats = char_stats(value);
  return stats.upper && stats.lower && stats.digit && stats.distinct >= 24;
}

bool may_hold_value(const unsigned char* data, std::size_t size, std::size_t pos) {
  constexpr std::size_t kShortest = 40;  // a secret key; session tokens are longer
  return pos != kNoValue && value_may_start_at(data, size, pos, kShortest);
}

bool starts_clear(const unsigned char* data, std::size_t pos) {
  if (pos == 0 || !is_alnum(data[pos - 1])) return true;
  const unsigned char before = data[pos - 1];
  if (pos >= 2 && data[pos - 2] == '\\' && (before == 'n' || before == 't' || before == 'r')) return true;
  return pos >= 3 && data[pos - 3] == '%' && is_hex(data[pos - 2]) && is_hex(before);
}

bool has_allow_comment(std::string_view line) {
  static constexpr std::string_view kMarker = "awsprof:allow";
  // Not "'" (Visual Basic): it would take 'awsprof:allow' in a string for a comment.
  static constexpr std::string_view kCommentMarkers[] = {"#", "//", "/*", "<!--", "--", ";",
                                                         "%", "::", "(*", "{-",   "{#"};
  for (std::size_t at = line.find(kMarker); at != std::string_view::npos; at = line.find(kMarker, at + 1)) {
    const std::size_t after = at + kMarker.size();
    if (after < line.size() &&
        (is_alnum(static_cast<unsigned char>(line[after])) || line[after] == '-' || line[after] == '_'))
      continue;
    std::string_view before = line.substr(0, at);
    while (!before.empty() && is_blank(static_cast<unsigned char>(before.back()))) before.remove_suffix(1);
    for (std::string_view marker : kCommentMarkers)
      if (ends_with(before, marker)) return true;
    // Batch files: REM, as a word.
    if ((ends_with(before, "REM") || ends_with(before, "rem")) &&
        (before.size() == 3 || is_blank(static_cast<unsigned char>(before[before.size() - 4]))))
      return true;
  }
  return false;
}

}  // namespace awsprof::detail
