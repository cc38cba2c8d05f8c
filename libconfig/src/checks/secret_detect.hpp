// What makes a place the secret scanner's prefilter found a credential (secret_scan.cpp): the names
// credentials are assigned to, the syntax of an assignment in the usual file types, and whether
// a value is random enough to be a key rather than a placeholder, a word, a path or a hash.
// Internal: not installed. docs/rules.md ("What the secret scan finds") says the same in prose.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace awsprof::detail {

inline constexpr std::size_t kNoValue = static_cast<std::size_t>(-1);

/// What a name may hold.
struct NameMeaning {
  bool secret_key = false;
  bool session_token = false;
};

/// The meaning of a variable, key, property or header name. A secret key: the name contains
/// "secret" or "access key", or a word "key" or "sk" qualified by aws, amazon, s3, iam, private
/// or minio (aws_key, AWS_SK, S3_PRIVATE_KEY). A session token: the name contains "token" with
/// session, security, aws, amz, sts or temp(orary), or is "token" alone (the IMDS and Terraform
/// name). Neither when the last word says the value is about the credential, not the credential:
/// SecretId, secret_name, aws_secret_access_key_file, AWS_ACCESS_KEY_ID, token_url, ...
/// Words are split at '_', '-', '.', blanks and camelCase boundaries, compared ignoring case.
NameMeaning classify_name(std::string_view name);

/// The name around a prefilter hit that ends at `at`: the run of name characters
/// [A-Za-z0-9_.-] holding data[at - 1] (at most 64 on each side), extended over blank-separated
/// words "access", "key", "id", "secret" and "token" ("Secret access key", "Session token").
std::pair<std::size_t, std::size_t> name_around(const unsigned char* data, std::size_t size, std::size_t at);

/// The places where a value assigned to a name ending at `end` may start, best first.
struct ValueStarts {
  std::array<std::size_t, 3> at{};
  std::size_t count = 0;
  void add(std::size_t pos) {
    if (pos != kNoValue && count < at.size()) at[count++] = pos;
  }
};

/// After a name ending at `end`: closing quotes and brackets ("AWS_SECRET"], \"key\"), blanks,
/// then an assignment (=, :, :=, ::=, ?=, +=, =>, ->, <-, ',', '|', '>') or a fallback (||, ??,
/// ?:, the shell's :-), or only blanks (shell,
/// Dockerfile ENV, prose), or an XML end tag and the next element (<name>..</name><value>),
/// then opening quotes (also escaped ones and string prefixes r" b' @"). A type annotation
/// after the name (k: string = "...", var k string = "...") is skipped, and so is one word of
/// prose ("set X to VALUE", "the secret is VALUE").
ValueStarts value_after_name(const unsigned char* data, std::size_t size, std::size_t end);

/// After a name ending at `end`, the value under a key ending in "value", or "default", on the
/// same line or in the next three: a name/value pair ("name": "X", "value": ...; - name: X /
/// value: ...; key="X" value="...") or a declaration (variable "X" { type = string / default =
/// "..." }; a CloudFormation parameter's Default). kNoValue when there is none.
std::size_t value_under_key(const unsigned char* data, std::size_t size, std::size_t end);

/// Where the value right after another value ending at `end` starts: separated by blanks, one
/// of , ; | : = (a CSV line, the arguments of a call), at most one line break, quotes, or an XML
/// end tag and the next element. kNoValue when something else comes first.
std::size_t value_after_value(const unsigned char* data, std::size_t size, std::size_t end);

/// True when a value as long as a secret key can start at `pos` (not kNoValue): the cheap test
/// before a name is classified and a value read.
bool may_hold_value(const unsigned char* data, std::size_t size, std::size_t pos);

/// A value read from the file: where it is, and its characters with the escapes that keep a
/// base64 value whole decoded (\/ in JSON, %2F %2B %3D in URLs and forms).
struct Value {
  std::size_t begin = 0;
  std::size_t end = 0;  ///< One past its last byte in the file.
  std::string text;     ///< Decoded.
};

/// A secret key starting at `begin`: exactly 40 characters of [A-Za-z0-9/+] (escapes decoded),
/// not part of a longer run (base64 padding, base64url '-' '_', a '.' and more), random-looking
/// (looks_like_secret_key). nullopt otherwise.
std::optional<Value> read_secret_key(const unsigned char* data, std::size_t size, std::size_t begin);

/// A session token starting at `begin`: 100 or more base64 characters (padding included, escapes
/// decoded), not followed by a JWT's '.' or base64url's '-' '_', random-looking.
std::optional<Value> read_session_token(const unsigned char* data, std::size_t size, std::size_t begin);

/// Whether a 20-character key id whose format is right is a real-looking one rather than a
/// placeholder (AKIAXXXXXXXXXXXXXXXX, a run of one letter, ABCDEF...), a documentation value
/// (EXAMPLE anywhere) or words that start like a key id (ASIAPACIFICSALESTEAM).
bool looks_like_key_id(std::string_view value);
/// Whether 40 secret-key characters are random: upper and lower case letters and a digit, no
/// EXAMPLE, no run of five equal characters, no long alphabetical sequence, enough different
/// characters, and not three or more lower-case words (a path or an identifier).
bool looks_like_secret_key(std::string_view value);
/// Whether a long base64 run is random: letters of both cases and digits, no EXAMPLE, at least 24
/// different characters (TOKENTOKEN... has 5).
bool looks_like_session_token(std::string_view value);

/// True before `pos` when the value is not glued to a longer run of letters and digits: the
/// start, a character other than a letter or digit, or an escape right before it (\n \t \r in a
/// string, %XX in a URL).
bool starts_clear(const unsigned char* data, std::size_t pos);

/// True when `line` has an inline allow comment: "awsprof:allow" right after a comment marker
/// (# // /* <!-- -- ; % REM ::), blanks between, not followed by a letter, digit, '-' or '_'.
bool has_allow_comment(std::string_view line);

}  // namespace awsprof::detail
