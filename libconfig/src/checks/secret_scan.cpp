#include "awsprof/checks/secret_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <hs/hs.h>
#include <iconv.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "awsprof/support/secrets.hpp"
#include "secret_detect.hpp"
#include "subprocess.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

// ---- Patterns. Hyperscan looks only for short literals (Teddy/FDR: several GB/s, a database
// that compiles in about a millisecond); each hit is then checked in plain C++ (verify_*), which
// is cheaper than bounded repeats inside the automaton and keeps the rules readable.

enum PatternId : unsigned {
  kKeyPrefix = 0,    ///< AKIA, ASIA, ... : the first 4 characters of a key id.
  kKeyA3T = 1,       ///< A3T: the first 3 characters of an A3T? key id.
  kName = 2,         ///< A word that names of secrets and tokens hold; the whole name decides.
  kNameEnd = 3,      ///< "_key", "_sk", ...: a name's last word (when no letter or digit follows).
  kTokenFrame = 4,   ///< The base64 of an STS token's first field, 2 characters into the token.
  kAccountName = 5,  ///< account_id, accountid, any case.
  kArn = 6,          ///< "arn:aws".
  kOwnFirst = 16,    ///< kOwnFirst + i: the last 4 characters of own entry i.
};

constexpr std::size_t kKeyIdLength = 20;
constexpr std::size_t kBinaryProbe = 8000;  ///< Bytes git looks at for a NUL.
constexpr std::size_t kMapThreshold = 1u << 20;

struct PatternSpec {
  const char* expression;
  unsigned id;
  unsigned flags;
};
constexpr PatternSpec kPatterns[] = {
    {"AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ASCA", kKeyPrefix, 0},
    {"A3T", kKeyA3T, 0},
    // Name words, rare enough in code that the prefilter stays fast: a caseless "key" alone
    // would wake it at every "key" of a source tree, so "key" and "sk" count only after a
    // separator (aws_key, AWS_SK, fs.s3a.secret.key) or glued to "aws" (awsKey, AWSSK). A
    // case-sensitive "Key" for camelCase names doubled Hyperscan's time (two literal tables);
    // "\b" after "_sk" (sk_buff, _skip) made it half as slow again as dropping those hits in C++.
    {"secret|token|access[-_.]?key|awskey|awssk", kName, HS_FLAG_CASELESS},
    {"[-_.]key|[-_.]sk", kNameEnd, HS_FLAG_CASELESS},
    // The issuer field STS tokens start with, in base64: "\x0a\x09origin_ec" (today),
    // "\x0a\x06er/aws" and "\x0a\x03aws" (older tokens), after the token's first byte.
    {"oJb3JpZ2luX2Vj|oGZXIvYXdz|oDYXdz", kTokenFrame, 0},
};
constexpr std::string_view kTokenFrames[] = {"oJb3JpZ2luX2Vj", "oGZXIvYXdz", "oDYXdz"};
constexpr std::size_t kTokenFrameOffset = 2;
constexpr PatternSpec kAccountPatterns[] = {
    {"account_?id", kAccountName, HS_FLAG_CASELESS},
    {"arn:aws", kArn, 0},
};

// The account ids the AWS documentation uses in examples.
constexpr std::string_view kExampleAccountIds[] = {"123456789012", "111122223333", "444455556666",
                                                   "777788889999"};

inline bool is_alnum(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
inline bool is_base64(unsigned char c) {
  return is_alnum(c) || c == '/' || c == '+' || c == '=';
}
inline bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
inline bool is_base32(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

constexpr std::size_t kNone = detail::kNoValue;

/// A key id starting at `begin`: 20 characters, base32 after the prefix (A3T takes any [A-Z0-9]
/// as its 4th), not inside a longer run of letters and digits, and not a placeholder.
bool verify_key_id(const unsigned char* data, std::size_t size, std::size_t begin) {
  const std::size_t end = begin + kKeyIdLength;
  if (end > size) return false;
  if (!detail::starts_clear(data, begin) || (end < size && is_alnum(data[end]))) return false;
  for (std::size_t i = begin + 4; i < end; ++i)
    if (!is_base32(data[i])) return false;
  unsigned char fourth = data[begin + 3];
  if (!((fourth >= 'A' && fourth <= 'Z') || is_digit(fourth))) return false;
  return detail::looks_like_key_id(
      std::string_view(reinterpret_cast<const char*>(data) + begin, kKeyIdLength));
}

/// True when the first bytes of a file look like UTF-16 text: a byte-order mark (FF FE, FE FF),
/// or, without one, mostly NUL bytes at one parity and (almost) none at the other.
bool looks_utf16(std::string_view probe) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(probe[i]); };
  if (probe.size() >= 2 && ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF))) {
    // FF FE 00 00 starts UTF-32LE, which this does not decode.
    return !(probe.size() >= 4 && byte(0) == 0xFF && byte(2) == 0 && byte(3) == 0);
  }
  const std::size_t length = std::min(probe.size(), kBinaryProbe) & ~std::size_t{1};
  if (length < 16 || std::memchr(probe.data(), 0, length) == nullptr) return false;
  const std::size_t units = length / 2;
  std::size_t zeros[2] = {0, 0};
  for (std::size_t block = 0; block < length; block += 512) {
    for (std::size_t i = block; i < std::min(length, block + 512); i += 2) {
      zeros[0] += byte(i) == 0;
      zeros[1] += byte(i + 1) == 0;
    }
    if (std::min(zeros[0], zeros[1]) * 50 > units) return false;  // NULs at both parities: binary
  }
  // Mostly ASCII text: NUL in (nearly) every high byte, (almost) never in a low byte.
  return (zeros[1] * 10 >= units * 7 && zeros[0] * 50 <= units) ||
         (zeros[0] * 10 >= units * 7 && zeros[1] * 50 <= units);
}

/// Skipped as binary: a NUL in the first block, unless it is UTF-16 text.
bool skipped_as_binary(std::string_view probe) {
  return looks_binary(probe) && !looks_utf16(probe);
}

using Sha256 = std::array<unsigned char, 32>;

Sha256 sha256(std::string_view bytes) {
  Sha256 digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

struct Candidate {
  unsigned id;
  std::size_t end;
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
             void* context) {
  static_cast<std::vector<Candidate>*>(context)->push_back({id, static_cast<std::size_t>(to)});
  return 0;
}

struct ScratchDeleter {
  void operator()(hs_scratch_t* scratch) const { hs_free_scratch(scratch); }
};
using ScratchPtr = std::unique_ptr<hs_scratch_t, ScratchDeleter>;

/// A file's bytes: read into a buffer, or mapped when large.
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes() { unmap(); }

  /// Loads `path`; returns an error text, or "" on success. `regular` is false for
  /// something that is not a regular file (skipped silently).
  std::string load(const std::string& path, bool& regular, bool skip_binary = false) {
    unmap();
    view_ = {};
    binary_ = false;
    regular = true;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ELOOP) {  // a symlink: not followed
        regular = false;
        return "";
      }
      return std::strerror(errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      std::string error = std::strerror(errno);
      ::close(fd);
      return error;
    }
    if (!S_ISREG(st.st_mode)) {
      regular = false;
      ::close(fd);
      return "";
    }
    auto size = static_cast<std::size_t>(st.st_size);
    if (size >= kMapThreshold && skip_binary) {
      char probe[kBinaryProbe];
      ssize_t n = ::pread(fd, probe, sizeof probe, 0);
      if (n > 0 && skipped_as_binary(std::string_view(probe, static_cast<std::size_t>(n)))) {
        binary_ = true;
        ::close(fd);
        return "";
      }
    }
    if (size >= kMapThreshold) {
      void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (map != MAP_FAILED) {
        ::madvise(map, size, MADV_SEQUENTIAL);
        map_ = map;
        map_size_ = size;
        view_ = std::string_view(static_cast<const char*>(map), size);
        ::close(fd);
        return "";
      }
    }
    // Read the first block alone: a binary file is recognised from its first 8000 bytes, and the
    // rest of it is never read.
    if (buffer_.size() < size + 1) buffer_.resize(size + 1);
    std::size_t got = 0;
    bool probed = !skip_binary;
    while (true) {
      if (got == buffer_.size()) buffer_.resize(buffer_.size() * 2);
      std::size_t want = buffer_.size() - got;
      if (!probed) want = std::min(want, std::max(kBinaryProbe, std::size_t{65536}));
      ssize_t n = ::read(fd, buffer_.data() + got, want);
      if (n < 0) {
        if (errno == EINTR) continue;
        std::string error = std::strerror(errno);
        ::close(fd);
        return error;
      }
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
      if (!probed && (got >= kBinaryProbe || got >= size)) {
        probed = true;
        if (skipped_as_binary(std::string_view(buffer_.data(), got))) {
          binary_ = true;
          break;
        }
      }
      if (probed && got >= size) break;  // what fstat saw; a file growing meanwhile is read no further
    }
    ::close(fd);
    view_ = std::string_view(buffer_.data(), got);
    return "";
  }
  std::string_view view() const { return view_; }
  /// With skip_binary: the file is binary, and view() holds only its first block.
  bool binary() const { return binary_; }

 private:
  void unmap() {
    if (map_) ::munmap(map_, map_size_);
    map_ = nullptr;
  }
  std::vector<char> buffer_;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::string_view view_;
  bool binary_ = false;
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string trim_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

// ---- Public helpers.

const char* to_string(SecretKind kind) {
  switch (kind) {
    case SecretKind::access_key_id:
      return "access key id";
    case SecretKind::secret_access_key:
      return "secret access key";
    case SecretKind::session_token:
      return "session token";
    case SecretKind::account_id:
      return "account id";
  }
  return "credential";
}

bool is_example_credential(std::string_view value) {
  return ends_with(value, "EXAMPLE") || ends_with(value, "EXAMPLEKEY");
}

bool looks_binary(std::string_view bytes) {
  return std::memchr(bytes.data(), 0, std::min(bytes.size(), kBinaryProbe)) != nullptr;
}

std::optional<std::string> decode_utf16(std::string_view bytes) {
  if (!looks_utf16(bytes.substr(0, kBinaryProbe))) return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  bool big_endian = false;
  if (byte(0) == 0xFE && byte(1) == 0xFF) {
    big_endian = true;
    bytes.remove_prefix(2);
  } else if (byte(0) == 0xFF && byte(1) == 0xFE) {
    bytes.remove_prefix(2);
  } else {
    big_endian = byte(0) == 0;  // 'A' is 00 41 big-endian
  }
  iconv_t converter = ::iconv_open("UTF-8", big_endian ? "UTF-16BE" : "UTF-16LE");
  if (converter == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(bytes.size() * 3 / 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* to = out.data();
  std::size_t to_left = out.size();
  while (in_left > 0) {
    if (::iconv(converter, &in, &in_left, &to, &to_left) != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      const std::size_t used = static_cast<std::size_t>(to - out.data());
      out.resize(out.size() * 2);
      to = out.data() + used;
      to_left = out.size() - used;
      continue;
    }
    // An invalid or truncated unit (a lone surrogate, an odd last byte): U+FFFD, go on after it.
    if (to_left < 3) {
      const std::size_t used = static_cast<std::size_t>(to - out.data());
      out.resize(out.size() + 16);
      to = out.data() + used;
      to_left = out.size() - used;
    }
    std::memcpy(to, "\xEF\xBF\xBD", 3);
    to += 3;
    to_left -= 3;
    const std::size_t skip = std::min<std::size_t>(2, in_left);
    in += skip;
    in_left -= skip;
  }
  ::iconv_close(converter);
  out.resize(static_cast<std::size_t>(to - out.data()));
  return out;
}

OwnCredentials OwnCredentials::from_file_text(std::string& text) {
  OwnCredentials own;
  std::string_view rest = text;
  std::string profile;
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = detail::trim_blanks(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      std::string_view name =
          line.substr(1, line.rfind(']') == std::string_view::npos ? line.size() - 1 : line.rfind(']') - 1);
      name = detail::trim_blanks(name);
      if (name.substr(0, 8) == "profile " || name.substr(0, 8) == "profile\t") {
        name = detail::trim_blanks(name.substr(8));
      }
      profile = std::string(name);
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = detail::trim_blanks(line.substr(0, eq));
    std::string_view value = detail::trim_blanks(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    SecretKind kind;
    if (detail::iequals(key, "aws_access_key_id")) {
      kind = SecretKind::access_key_id;
    } else if (detail::iequals(key, "aws_secret_access_key")) {
      kind = SecretKind::secret_access_key;
    } else if (detail::iequals(key, "aws_session_token") || detail::iequals(key, "aws_security_token")) {
      kind = SecretKind::session_token;
    } else {
      continue;
    }
    if (value.size() < 16 || is_example_credential(value)) continue;
    Entry entry{sha256(value), value.size(), kind, profile, std::string(value.substr(value.size() - 4))};
    bool duplicate = std::any_of(own.entries_.begin(), own.entries_.end(), [&](const Entry& e) {
      return e.length == entry.length && e.sha256 == entry.sha256;
    });
    if (!duplicate) own.entries_.push_back(std::move(entry));
  }
  OPENSSL_cleanse(text.data(), text.size());
  text.clear();
  text.shrink_to_fit();
  return own;
}

const OwnCredentials::Entry* OwnCredentials::find(std::string_view value) const {
  std::optional<Sha256> digest;
  for (const Entry& entry : entries_) {
    if (entry.length != value.size()) continue;
    if (!digest) digest = sha256(value);
    if (entry.sha256 == *digest) return &entry;
  }
  return nullptr;
}

// ---- The scanner.

struct SecretScanner::Impl {
  hs_database_t* database = nullptr;
  ScratchPtr prototype;
  ScanOptions options;
  OwnCredentials own;
  std::vector<const OwnCredentials::Entry*> own_patterns;  ///< Pattern kOwnFirst + i: own_patterns[i].

  ~Impl() {
    if (database) hs_free_database(database);
  }

  ScratchPtr clone_scratch() const {
    hs_scratch_t* scratch = nullptr;
    if (hs_clone_scratch(prototype.get(), &scratch) != HS_SUCCESS) return nullptr;
    return ScratchPtr(scratch);
  }

  /// The findings in `bytes`; counts those an inline allow comment drops in `allowed_inline`.
  std::vector<SecretFinding> scan(std::string_view path, std::string_view bytes, hs_scratch_t* scratch,
                                  std::size_t* allowed_inline = nullptr) const;

  /// One file's bytes: decoded first when UTF-16, skipped when binary.
  struct FileScan {
    std::vector<SecretFinding> findings;
    bool binary = false;
    bool utf16 = false;
    std::size_t allowed_inline = 0;
  };
  FileScan scan_file(std::string_view path, std::string_view bytes, hs_scratch_t* scratch) const {
    FileScan result;
    const std::string_view probe = bytes.substr(0, kBinaryProbe);
    const bool nul = looks_binary(probe);
    const bool mark = probe.size() >= 2 && static_cast<unsigned char>(probe[0]) >= 0xFE;  // FE FF, FF FE
    if ((nul || mark) && looks_utf16(probe)) {
      if (std::optional<std::string> text = decode_utf16(bytes)) {
        result.utf16 = true;
        result.findings = scan(path, *text, scratch, &result.allowed_inline);
        return result;
      }
    }
    if (nul) {
      result.binary = true;
      return result;
    }
    result.findings = scan(path, bytes, scratch, &result.allowed_inline);
    return result;
  }

  /// Adds one file's results to a report.
  static void add(ScanReport& report, FileScan& file, std::size_t bytes) {
    if (file.binary) {
      ++report.files_binary;
      return;
    }
    ++report.files_scanned;
    if (file.utf16) ++report.files_utf16;
    report.bytes_scanned += bytes;
    report.allowed_inline += file.allowed_inline;
    for (SecretFinding& finding : file.findings) report.findings.push_back(std::move(finding));
  }
};

SecretScanner::SecretScanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretScanner::SecretScanner(SecretScanner&&) noexcept = default;
SecretScanner& SecretScanner::operator=(SecretScanner&&) noexcept = default;
SecretScanner::~SecretScanner() = default;

Result<SecretScanner> SecretScanner::create(const ScanOptions& options, OwnCredentials own) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->own = std::move(own);
  std::vector<std::string> expressions;
  std::vector<unsigned> ids, flags;
  for (const PatternSpec& spec : kPatterns) {
    expressions.push_back(spec.expression);
    ids.push_back(spec.id);
    flags.push_back(spec.flags);
  }
  if (options.account_ids) {
    for (const PatternSpec& spec : kAccountPatterns) {
      expressions.push_back(spec.expression);
      ids.push_back(spec.id);
      flags.push_back(spec.flags);
    }
  }
  // Own secrets and tokens are found wherever they are, named or not, by the last 4 characters
  // (what the masked form shows anyway) and then the hash of the whole run. Own key ids need no
  // pattern: the key id patterns find every real one.
  for (const OwnCredentials::Entry& entry : impl->own.entries()) {
    if (entry.kind == SecretKind::access_key_id || entry.suffix.size() != 4) continue;
    std::string literal;
    for (unsigned char c : entry.suffix) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      literal += escaped;
    }
    expressions.push_back(literal);
    ids.push_back(kOwnFirst + static_cast<unsigned>(impl->own_patterns.size()));
    flags.push_back(0);
    impl->own_patterns.push_back(&entry);
  }
  std::vector<const char*> pointers;
  for (const std::string& expression : expressions) pointers.push_back(expression.c_str());
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(pointers.data(), flags.data(), ids.data(), static_cast<unsigned>(pointers.size()),
                       HS_MODE_BLOCK, nullptr, &impl->database, &error) != HS_SUCCESS) {
    std::string message = "cannot compile the secret patterns: ";
    message += error && error->message ? error->message : "unknown Hyperscan error";
    hs_free_compile_error(error);
    return Result<SecretScanner>::error(message);
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(impl->database, &scratch) != HS_SUCCESS) {
    return Result<SecretScanner>::error("cannot allocate Hyperscan scratch space");
  }
  impl->prototype.reset(scratch);
  return SecretScanner(std::move(impl));
}

namespace {

/// One credential found in a buffer, before its line and column are known.
struct Hit {
  std::size_t begin, end;
  SecretKind kind;
  const OwnCredentials::Entry* own;
  std::string value;  ///< As the key is (escapes decoded), for the masked form and own keys.
};

/// A secret key assigned to nothing, right after a key id (a CSV line, the arguments of
/// new BasicAWSCredentials(...)), and a session token right after that secret.
void add_pair_after(const unsigned char* data, std::size_t size, std::size_t key_id_end,
                    std::vector<Hit>& hits) {
  const std::size_t secret_at = detail::value_after_value(data, size, key_id_end);
  if (secret_at == kNone) return;
  auto secret = detail::read_secret_key(data, size, secret_at);
  if (!secret) return;
  const std::size_t token_at = detail::value_after_value(data, size, secret->end);
  hits.push_back(
      {secret->begin, secret->end, SecretKind::secret_access_key, nullptr, std::move(secret->text)});
  if (token_at == kNone) return;
  if (auto token = detail::read_session_token(data, size, token_at))
    hits.push_back({token->begin, token->end, SecretKind::session_token, nullptr, std::move(token->text)});
}

/// The value assigned to a name that a prefilter hit ending at `at` lies in, when the name is one
/// of a secret key or a session token. `last_name_end` skips a name already looked at (one name
/// holds several hits: AWS_SECRET_ACCESS_KEY has "secret", "access_key" and "_key").
void add_named_value(std::string_view bytes, std::size_t at, std::size_t& last_name_end,
                     std::vector<Hit>& hits) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  const auto [name_begin, name_end] = detail::name_around(data, size, at);
  if (name_end == last_name_end) return;
  last_name_end = name_end;
  // Most names in code are followed by no long value at all: settle that before the name.
  const detail::ValueStarts starts = detail::value_after_name(data, size, name_end);
  const std::size_t under = detail::value_under_key(data, size, name_end);
  if (std::none_of(starts.at.begin(), starts.at.begin() + starts.count,
                   [&](std::size_t at) { return detail::may_hold_value(data, size, at); }) &&
      !detail::may_hold_value(data, size, under))
    return;
  const detail::NameMeaning meaning = detail::classify_name(bytes.substr(name_begin, name_end - name_begin));
  if (!meaning.secret_key && !meaning.session_token) return;
  const auto add_value_at = [&](std::size_t begin) {
    if (meaning.session_token) {
      if (auto token = detail::read_session_token(data, size, begin)) {
        hits.push_back(
            {token->begin, token->end, SecretKind::session_token, nullptr, std::move(token->text)});
        return true;
      }
    }
    if (meaning.secret_key) {
      if (auto secret = detail::read_secret_key(data, size, begin)) {
        hits.push_back(
            {secret->begin, secret->end, SecretKind::secret_access_key, nullptr, std::move(secret->text)});
        return true;
      }
    }
    return false;
  };
  for (std::size_t i = 0; i < starts.count; ++i)
    if (add_value_at(starts.at[i])) return;
  if (under != kNone) add_value_at(under);
}

/// A token whose STS framing ends at `at`, whatever it is assigned to.
void add_framed_token(const unsigned char* data, std::size_t size, std::size_t at, std::vector<Hit>& hits) {
  for (std::string_view frame : kTokenFrames) {
    if (at < frame.size() + kTokenFrameOffset ||
        std::memcmp(data + at - frame.size(), frame.data(), frame.size()) != 0)
      continue;
    if (auto token = detail::read_session_token(data, size, at - frame.size() - kTokenFrameOffset))
      hits.push_back({token->begin, token->end, SecretKind::session_token, nullptr, std::move(token->text)});
    return;
  }
}

}  // namespace

std::vector<SecretFinding> SecretScanner::Impl::scan(std::string_view path, std::string_view bytes,
                                                     hs_scratch_t* scratch,
                                                     std::size_t* allowed_inline) const {
  std::vector<Candidate> candidates;
  if (bytes.size() > 0xffffffffu) bytes = bytes.substr(0, 0xffffffffu);  // hs_scan takes 32-bit lengths
  hs_scan(database, bytes.data(), static_cast<unsigned>(bytes.size()), 0, scratch, on_match, &candidates);
  if (candidates.empty()) return {};

  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  std::vector<Hit> hits;
  std::size_t last_name_end = kNone;
  std::size_t found_until = 0;  // the end of the last value found: hits inside it start nothing new
  for (const Candidate& candidate : candidates) {
    const std::size_t at = candidate.end;  // one past the literal
    if (!hits.empty()) found_until = std::max(found_until, hits.back().end);
    if (at <= found_until && candidate.id < kOwnFirst) continue;
    switch (candidate.id) {
      case kKeyPrefix:
      case kKeyA3T: {
        std::size_t begin = at - (candidate.id == kKeyA3T ? 3 : 4);
        if (!verify_key_id(data, size, begin)) break;
        hits.push_back({begin, begin + kKeyIdLength, SecretKind::access_key_id, nullptr,
                        std::string(bytes.substr(begin, kKeyIdLength))});
        add_pair_after(data, size, begin + kKeyIdLength, hits);
        break;
      }
      case kNameEnd:
        if (at < size && is_alnum(data[at])) break;  // _keys, _skip: not the name's last word
        [[fallthrough]];
      case kName:
        add_named_value(bytes, at, last_name_end, hits);
        break;
      case kTokenFrame:
        add_framed_token(data, size, at, hits);
        break;
      case kAccountName:
      case kArn: {
        std::size_t begin = kNone;
        if (candidate.id == kAccountName) {
          const detail::ValueStarts starts = detail::value_after_name(data, size, at);
          if (starts.count > 0) begin = starts.at[0];
        } else {  // arn:aws[-partition]:service:region:ACCOUNT
          std::size_t pos = at;
          int colons = 0;
          while (pos < size && colons < 3 && pos - at < 64) {
            unsigned char c = data[pos++];
            if (c == ':') {
              ++colons;
            } else if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-')) {
              break;
            }
          }
          if (colons == 3) begin = pos;
        }
        if (begin == kNone || begin >= size || (begin > 0 && is_digit(data[begin - 1]))) break;
        std::string digits;
        std::size_t end = begin;
        while (end < size && digits.size() < 12 &&
               (is_digit(data[end]) || (data[end] == '-' && candidate.id == kAccountName))) {
          if (data[end] != '-') digits += static_cast<char>(data[end]);
          ++end;
        }
        if (digits.size() != 12 || (end < size && is_digit(data[end]))) break;
        if (std::find(std::begin(kExampleAccountIds), std::end(kExampleAccountIds), digits) !=
            std::end(kExampleAccountIds))
          break;
        hits.push_back({begin, end, SecretKind::account_id, nullptr, std::move(digits)});
        break;
      }
      default: {  // the last 4 characters of an own value: the run must be exactly that value
        std::size_t index = candidate.id - kOwnFirst;
        if (index >= own_patterns.size()) break;
        const OwnCredentials::Entry* entry = own_patterns[index];
        if (entry->length > at || (at < size && is_base64(data[at]))) break;
        std::size_t begin = at - entry->length;
        if (begin > 0 && is_base64(data[begin - 1])) break;
        std::string_view value = bytes.substr(begin, entry->length);
        if (own.find(value) == entry) hits.push_back({begin, at, entry->kind, entry, std::string(value)});
        break;
      }
    }
  }
  if (hits.empty()) return {};
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : (a.own != nullptr) > (b.own != nullptr);
  });
  std::vector<SecretFinding> findings;
  std::size_t cursor = 0, line = 1, line_start = 0, last_begin = kNone;
  std::size_t allow_checked_line = 0;  // the line whose allow comment was last looked for
  bool allowed = false;
  for (Hit& hit : hits) {
    if (hit.begin == last_begin) continue;  // the same value, found by two patterns
    last_begin = hit.begin;
    if (is_example_credential(hit.value)) continue;
    if (!hit.own && !own.empty()) hit.own = own.find(hit.value);
    while (cursor < hit.begin) {
      const void* nl = std::memchr(data + cursor, '\n', hit.begin - cursor);
      if (!nl) break;
      ++line;
      line_start = static_cast<std::size_t>(static_cast<const unsigned char*>(nl) - data) + 1;
      cursor = line_start;
    }
    cursor = hit.begin;
    if (allow_checked_line != line) {
      allow_checked_line = line;
      const void* nl = std::memchr(data + line_start, '\n', size - line_start);
      const std::size_t line_end =
          nl ? static_cast<std::size_t>(static_cast<const unsigned char*>(nl) - data) : size;
      allowed = detail::has_allow_comment(bytes.substr(line_start, line_end - line_start));
    }
    if (allowed) {
      if (allowed_inline) ++*allowed_inline;
      continue;
    }
    SecretFinding finding;
    finding.path = std::string(path);
    finding.line = static_cast<int>(line);
    finding.column = static_cast<int>(hit.begin - line_start + 1);
    finding.code_point_column =
        static_cast<int>(std::count_if(data + line_start, data + hit.begin,
                                       [](unsigned char c) { return (c & 0xC0) != 0x80; }) +
                         1);
    finding.kind = hit.own ? hit.own->kind : hit.kind;
    finding.masked = mask_secret(hit.value);
    if (hit.own) finding.own_profile = hit.own->profile.empty() ? "?" : hit.own->profile;
    findings.push_back(std::move(finding));
  }
  return findings;
}

std::vector<SecretFinding> SecretScanner::scan_buffer(std::string_view path, std::string_view bytes) const {
  ScratchPtr scratch = impl_->clone_scratch();
  if (!scratch) return {};
  return impl_->scan(path, bytes, scratch.get());
}

ScanReport SecretScanner::scan_files(const std::vector<std::string>& paths,
                                     const ScanProgress& progress) const {
  struct PerFile {
    Impl::FileScan scan;
    std::string error;
    bool scanned = false;
    std::size_t bytes = 0;
  };
  std::vector<PerFile> results(paths.size());
  std::atomic<std::size_t> next{0}, done{0};
  auto worker = [&]() {
    ScratchPtr scratch = impl_->clone_scratch();
    FileBytes file;
    while (true) {
      std::size_t index = next.fetch_add(1);
      if (index >= paths.size()) break;
      PerFile& result = results[index];
      bool regular = true;
      result.error = file.load(paths[index], regular, true);
      if (result.error.empty() && regular) {
        std::string_view bytes = file.view();
        result.bytes = bytes.size();
        result.scanned = true;
        if (file.binary()) {
          result.scan.binary = true;
        } else if (scratch) {
          result.scan = impl_->scan_file(paths[index], bytes, scratch.get());
        }
      }
      std::size_t finished = done.fetch_add(1) + 1;
      if (progress) progress(finished, paths.size());
    }
  };
  unsigned threads = impl_->options.threads;
  if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(paths.size(), 1)));
  // Small jobs are not worth a thread.
  if (paths.size() < 8) threads = 1;
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();

  ScanReport report;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    PerFile& result = results[i];
    if (!result.error.empty()) report.errors.push_back(paths[i] + ": " + result.error);
    if (result.scanned) Impl::add(report, result.scan, result.bytes);
  }
  return report;
}

Result<ScanReport> SecretScanner::scan_staged(const std::string& repo_dir) const {
  using detail::run_process;
  auto top = run_process({"git", "rev-parse", "--show-toplevel"}, {}, repo_dir);
  if (!top) return Result<ScanReport>::error(top.message());
  if (top->exit_code != 0) {
    return Result<ScanReport>::error((repo_dir.empty() ? std::string(".") : repo_dir) +
                                     ": not inside a git work tree");
  }
  const std::string root = trim_newline(top->out);
  // Compare the index with HEAD, or with the empty tree before the first commit.
  std::string base = "HEAD";
  auto head = run_process({"git", "rev-parse", "--verify", "--quiet", "HEAD"}, {}, root);
  if (!head) return Result<ScanReport>::error(head.message());
  if (head->exit_code != 0) {
    auto empty = run_process({"git", "hash-object", "-t", "tree", "--stdin"}, {}, root);
    if (!empty || empty->exit_code != 0) return Result<ScanReport>::error("git hash-object failed");
    base = trim_newline(empty->out);
  }
  auto diff = run_process({"git", "diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev",
                           "--diff-filter=ACMT", base, "--"},
                          {}, root);
  if (!diff) return Result<ScanReport>::error(diff.message());
  if (diff->exit_code != 0)
    return Result<ScanReport>::error("git diff --cached failed: " + trim_newline(diff->err));
  // Records: ":old_mode new_mode old_sha new_sha status\0path\0".
  std::vector<std::pair<std::string, std::string>> blobs;  // (sha, path)
  std::string_view raw = diff->out;
  while (!raw.empty()) {
    std::size_t meta_end = raw.find('\0');
    if (meta_end == std::string_view::npos) break;
    std::string_view meta = raw.substr(0, meta_end);
    raw.remove_prefix(meta_end + 1);
    std::size_t path_end = raw.find('\0');
    std::string_view path = raw.substr(0, path_end);
    raw = path_end == std::string_view::npos ? std::string_view() : raw.substr(path_end + 1);
    std::vector<std::string_view> fields;
    while (!meta.empty()) {
      std::size_t space = meta.find(' ');
      fields.push_back(meta.substr(0, space));
      meta = space == std::string_view::npos ? std::string_view() : meta.substr(space + 1);
    }
    if (fields.size() < 5 || fields[1] == "160000" || fields[1] == "000000") continue;  // submodules
    blobs.emplace_back(std::string(fields[3]), std::string(path));
  }
  ScanReport report;
  if (blobs.empty()) return report;
  std::string input;
  for (const auto& blob : blobs) input += blob.first + "\n";
  auto contents = run_process({"git", "cat-file", "--batch"}, input, root);
  if (!contents) return Result<ScanReport>::error(contents.message());
  if (contents->exit_code != 0) return Result<ScanReport>::error("git cat-file --batch failed");
  ScratchPtr scratch = impl_->clone_scratch();
  if (!scratch) return Result<ScanReport>::error("cannot allocate Hyperscan scratch space");
  std::string_view out = contents->out;
  for (const auto& blob : blobs) {
    // Every staged file is scanned or named as an error: the hook fails closed.
    std::size_t header_end = out.find('\n');
    std::string_view header = out.substr(0, header_end);
    out = header_end == std::string_view::npos ? std::string_view() : out.substr(header_end + 1);
    std::size_t last_space = header.rfind(' ');
    if (header.find(" missing") != std::string_view::npos || last_space == std::string_view::npos) {
      report.errors.push_back(blob.second + ": staged blob " + blob.first + " is missing");
      continue;
    }
    std::size_t size = std::strtoull(std::string(header.substr(last_space + 1)).c_str(), nullptr, 10);
    if (size > out.size()) {
      report.errors.push_back(blob.second + ": staged blob " + blob.first + " could not be read in full");
      out = {};
      continue;
    }
    std::string_view bytes = out.substr(0, size);
    out.remove_prefix(std::min(out.size(), size + 1));
    Impl::FileScan file = impl_->scan_file(blob.second, bytes, scratch.get());
    Impl::add(report, file, bytes.size());
  }
  return report;
}

// ---- Which files a scan covers.

GitignoreRules GitignoreRules::parse(std::string_view text) {
  GitignoreRules rules;
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    Rule rule;
    if (line.front() == '!') {
      rule.negate = true;
      line.remove_prefix(1);
    } else if (line.front() == '\\') {
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      rule.directory_only = true;
      line.remove_suffix(1);
    }
    if (line.substr(0, 3) == "**/") {
      line.remove_prefix(3);  // matches at any depth, like a pattern without a slash
      rule.anchored = line.find('/') != std::string_view::npos;
    } else {
      rule.anchored = line.find('/') != std::string_view::npos;
      if (!line.empty() && line.front() == '/') line.remove_prefix(1);
    }
    if (line.empty()) continue;
    rule.pattern = std::string(line);
    rules.rules_.push_back(std::move(rule));
  }
  return rules;
}

bool GitignoreRules::ignored(std::string_view relative_path, bool is_directory) const {
  // A path below an ignored directory is ignored, whatever later rules say about it (as in git).
  std::size_t slash = relative_path.find('/');
  while (slash != std::string_view::npos) {
    if (ignored(relative_path.substr(0, slash), true)) return true;
    slash = relative_path.find('/', slash + 1);
  }
  const std::string path(relative_path);
  const std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  bool result = false;
  for (const Rule& rule : rules_) {
    if (rule.directory_only && !is_directory) continue;
    bool deep = rule.pattern.find("**") != std::string::npos;
    int flags = deep ? 0 : FNM_PATHNAME;
    bool match = rule.anchored ? fnmatch(rule.pattern.c_str(), path.c_str(), flags) == 0
                               : fnmatch(rule.pattern.c_str(), base.c_str(), 0) == 0;
    if (match) result = !rule.negate;
  }
  return result;
}

namespace {

void walk(const std::string& root, const std::string& relative, const GitignoreRules& rules,
          ScanFileList& out) {
  const std::string dir_path = relative.empty() ? root : join_path(root, relative);
  DIR* dir = ::opendir(dir_path.c_str());
  if (!dir) {
    out.errors.push_back(dir_path + ": " + std::strerror(errno));
    return;
  }
  std::vector<std::pair<std::string, bool>> entries;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::lstat(join_path(dir_path, name).c_str(), &st) != 0) {
        out.errors.push_back(join_path(dir_path, name) + ": " + std::strerror(errno));
        continue;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
    }
    if (type != DT_DIR && type != DT_REG) continue;  // symlinks, devices, sockets: not followed
    entries.emplace_back(std::move(name), type == DT_DIR);
  }
  ::closedir(dir);
  for (const auto& [name, is_dir] : entries) {
    std::string child = relative.empty() ? name : relative + "/" + name;
    if (rules.ignored(child, is_dir)) continue;
    if (is_dir) {
      walk(root, child, rules, out);
    } else {
      out.files.push_back(join_path(root, child));
    }
  }
}

/// The directories `git ls-files` could not open, from its warnings ("warning: could not open
/// directory 'sub/': Permission denied"), as "path: reason".
void add_git_warnings(const std::string& root, std::string_view err, std::vector<std::string>& errors) {
  static constexpr std::string_view kPrefix = "warning: could not open directory '";
  while (!err.empty()) {
    std::size_t eol = err.find('\n');
    std::string_view line = err.substr(0, eol);
    err = eol == std::string_view::npos ? std::string_view() : err.substr(eol + 1);
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    line.remove_prefix(kPrefix.size());
    std::size_t quote = line.rfind("': ");
    if (quote == std::string_view::npos) continue;
    std::string dir(line.substr(0, quote));
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    errors.push_back(join_path(root, dir) + ": " + std::string(line.substr(quote + 3)));
  }
}

}  // namespace

Result<ScanFileList> list_scan_files(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return Result<ScanFileList>::error(path + ": " + std::strerror(errno));
  }
  ScanFileList list;
  if (S_ISLNK(st.st_mode)) {
    list.skipped.push_back(path + ": a symbolic link, not followed (name its target to scan it)");
    return list;
  }
  if (S_ISREG(st.st_mode)) {
    list.files.push_back(path);
    return list;
  }
  if (!S_ISDIR(st.st_mode)) {
    list.skipped.push_back(path + ": not a regular file or a directory");
    return list;
  }
  auto inside = detail::run_process({"git", "rev-parse", "--is-inside-work-tree"}, {}, path);
  if (inside && inside->exit_code == 0 && trim_newline(inside->out) == "true") {
    auto listed = detail::run_process({"git", "ls-files", "-co", "--exclude-standard", "-z"}, {}, path);
    if (listed && listed->exit_code == 0) {
      add_git_warnings(path, listed->err, list.errors);
      std::string_view rest = listed->out;
      while (!rest.empty()) {
        std::size_t end = rest.find('\0');
        std::string name(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (name.empty()) continue;
        std::string full = join_path(path, name);
        struct stat entry {};
        if (::lstat(full.c_str(), &entry) != 0) {
          // A tracked file deleted in the work tree has nothing to scan; any other failure hides one.
          if (errno != ENOENT) list.errors.push_back(full + ": " + std::strerror(errno));
          continue;
        }
        if (S_ISREG(entry.st_mode)) list.files.push_back(std::move(full));
      }
      std::sort(list.files.begin(), list.files.end());
      list.files.erase(std::unique(list.files.begin(), list.files.end()), list.files.end());
      return list;
    }
  }
  GitignoreRules rules;
  FileBytes gitignore;
  bool regular = false;
  if (gitignore.load(join_path(path, ".gitignore"), regular).empty() && regular) {
    rules = GitignoreRules::parse(gitignore.view());
  }
  walk(path, "", rules, list);
  std::sort(list.files.begin(), list.files.end());
  return list;
}

Diagnostics to_diagnostics(const std::vector<SecretFinding>& findings) {
  Diagnostics diagnostics;
  for (const SecretFinding& finding : findings) {
    Diagnostic diagnostic;
    diagnostic.path = finding.path;
    diagnostic.line = finding.line;
    diagnostic.column = finding.column;
    diagnostic.code_point_column = finding.code_point_column;
    if (!finding.own_profile.empty()) {
      diagnostic.severity = Severity::error;
      diagnostic.rule_id = kRuleScanOwnCredential;
      diagnostic.message = std::string("the ") + to_string(finding.kind) + " of profile '" +
                           finding.own_profile + "' from your credentials file (" + finding.masked + ")";
    } else {
      switch (finding.kind) {
        case SecretKind::access_key_id:
          diagnostic.rule_id = kRuleScanAccessKeyId;
          break;
        case SecretKind::secret_access_key:
          diagnostic.rule_id = kRuleScanSecretAccessKey;
          break;
        case SecretKind::session_token:
          diagnostic.rule_id = kRuleScanSessionToken;
          break;
        case SecretKind::account_id:
          diagnostic.rule_id = kRuleScanAccountId;
          break;
      }
      diagnostic.severity = finding.kind == SecretKind::account_id ? Severity::warning : Severity::error;
      diagnostic.message =
          std::string("possible AWS ") + to_string(finding.kind) + " (" + finding.masked + ")";
    }
    diagnostics.push_back(std::move(diagnostic));
  }
  return diagnostics;
}

}  // namespace awsprof

namespace awsprof {

std::string_view pre_commit_hook_script() {
  return "#!/bin/sh\n"
         "# Installed by `awsprof lint --install-hook`: refuses commits that add AWS credentials.\n"
         "# Bypass once with `git commit --no-verify`; configure rules in .awsprof.toml.\n"
         "if ! command -v awsprof >/dev/null 2>&1; then\n"
         "  echo 'pre-commit: awsprof is not on PATH; cannot check the commit for AWS credentials' >&2\n"
         "  exit 1\n"
         "fi\n"
         "exec awsprof lint --staged\n";
}

namespace {

/// Writes `bytes` (the hook at `hook_path`, with its mode) to the first free backup name beside it;
/// O_EXCL, so an older backup is never overwritten. Returns the backup's path.
Result<std::string> keep_hook_backup(const std::string& hook_path, std::string_view bytes) {
  struct stat st {};
  const mode_t mode = ::stat(hook_path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0755;
  for (int n = 1; n <= 1000; ++n) {
    std::string backup = hook_path + ".awsprof-backup" + (n == 1 ? "" : "." + std::to_string(n));
    int fd = ::open(backup.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) return Result<std::string>::error(backup + ": " + std::strerror(errno));
    bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    ok = ::fchmod(fd, mode) == 0 && ok;
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
      std::string reason = std::strerror(errno);
      ::unlink(backup.c_str());
      return Result<std::string>::error(backup + ": " + reason);
    }
    return backup;
  }
  return Result<std::string>::error(hook_path + ": too many backups of the pre-commit hook; remove some");
}

}  // namespace

Result<HookInstall> install_pre_commit_hook(const std::string& repo_dir, bool force) {
  auto where = detail::run_process({"git", "rev-parse", "--git-path", "hooks/pre-commit"}, {}, repo_dir);
  if (!where) return Result<HookInstall>::error(where.message());
  if (where->exit_code != 0) {
    return Result<HookInstall>::error((repo_dir.empty() ? std::string(".") : repo_dir) +
                                      ": not in a git repository");
  }
  HookInstall result;
  result.path = trim_newline(where->out);
  if (!repo_dir.empty() && result.path[0] != '/') result.path = join_path(repo_dir, result.path);
  const std::string_view script = pre_commit_hook_script();
  FileBytes existing;
  bool regular = false;
  std::string error = existing.load(result.path, regular);
  bool exists = error.empty() && regular;
  if (exists && existing.view() == script) {
    result.action = HookAction::unchanged;
    return result;
  }
  if (exists && !force) {
    return Result<HookInstall>::error(result.path +
                                      ": a different pre-commit hook exists (use --force to replace it)");
  }
  result.action = exists ? HookAction::replaced : HookAction::installed;
  if (exists) {
    Result<std::string> backup = keep_hook_backup(result.path, existing.view());
    if (!backup) return Result<HookInstall>::error(backup.message() + " (the hook was not replaced)");
    result.backup_path = std::move(*backup);
  }
  std::string dir =
      result.path.substr(0, result.path.rfind('/') == std::string::npos ? 0 : result.path.rfind('/'));
  if (!dir.empty()) ::mkdir(dir.c_str(), 0755);
  std::string temporary = result.path + ".awsprof-tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (fd < 0) return Result<HookInstall>::error(temporary + ": " + std::strerror(errno));
  bool ok = ::write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
  ok = ::fchmod(fd, 0755) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temporary.c_str(), result.path.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return Result<HookInstall>::error(result.path + ": " + reason);
  }
  return result;
}

}  // namespace awsprof
