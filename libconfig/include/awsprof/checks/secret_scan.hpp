// Secret scanning: AWS credentials in arbitrary files (source trees, the git index).
//
// The engine is Hyperscan: one compiled database of literal-led patterns finds candidate places
// at several GB/s, and a few lines of C++ then check each candidate's boundaries, length,
// character mix and the allowlist of documented example keys. Findings carry the place and the
// MASKED match only; no finding, message or error ever holds a secret.
//
// What is found (docs/rules.md, "What the secret scan finds", says it in full):
//  - access key ids: AKIA, ASIA, ABIA, ACCA, AGPA, AIDA, AROA, AIPA, ANPA, ANVA, APKA, ASCA or A3T?
//    followed by base32 ([A-Z2-7]) to 20 characters, not inside a longer run of letters and
//    digits, and not a placeholder (AKIAXXXXXXXXXXXXXXXX), a documentation value (EXAMPLE
//    anywhere) or capital words that start like one (ASIAPACIFICSALESTEAM);
//  - secret access keys: 40 random-looking characters of [A-Za-z0-9/+] assigned, in the syntax of
//    the usual file types, to a name that holds "secret" or "access key", or "key" or "sk" with
//    an AWS qualifier (aws_key, AWS_SK, S3_PRIVATE_KEY); or right after a key id (a CSV
//    line, new BasicAWSCredentials("AKIA...", "..."));
//  - session tokens: 100 or more random-looking base64 characters assigned to a session or
//    security token name (or "Token"), right after a secret found so, or framed as STS frames
//    them (the base64 of "origin_ec", "er/aws" or "aws" at their start), whatever the name;
//  - optionally (ScanOptions::account_ids) 12-digit account ids assigned to an account_id name or
//    inside an ARN;
//  - the literal key values of the user's own credentials file (OwnCredentials), compared by
//    SHA-256 so the scanner never holds them (only the hashes and the last 4 characters, which
//    the masked form shows anyway).
// Values escaped in JSON (\/) or URLs (%2F, %2B, %3D) are decoded; UTF-16 files are decoded; a
// line with an inline allow comment (# awsprof:allow, // awsprof:allow, ...) reports nothing.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/support/result.hpp"

namespace awsprof {

enum class SecretKind { access_key_id, secret_access_key, session_token, account_id };

/// "access key id", "secret access key", "session token", "account id".
const char* to_string(SecretKind kind);

/// One credential found in one file.
struct SecretFinding {
  std::string path;
  int line = 0;    ///< 1-based.
  int column = 0;  ///< 1-based byte column of the match's first character (UTF-16 files: in UTF-8).
  int code_point_column = 0;  ///< The same column counted in Unicode code points.
  SecretKind kind = SecretKind::access_key_id;
  std::string masked;       ///< mask_secret(match): 16 '*' then the last 4 characters.
  std::string own_profile;  ///< Non-empty when the value is one of the user's own credentials.
};

/// The user's own credentials, as SHA-256 hashes only.
class OwnCredentials {
 public:
  struct Entry {
    std::array<unsigned char, 32> sha256{};
    std::size_t length = 0;
    SecretKind kind = SecretKind::access_key_id;
    std::string profile;  ///< The section it came from, for messages.
    std::string suffix;   ///< The last 4 characters: what the masked form shows anyway.
  };

  /// Reads the values of aws_access_key_id, aws_secret_access_key, aws_session_token and
  /// aws_security_token from the text of a credentials (or config) file, keeps their hashes
  /// (and last 4 characters, to find them fast), then overwrites `text` with zeros (OPENSSL_cleanse) and
  /// clears it. Example keys are skipped.
  static OwnCredentials from_file_text(std::string& text);

  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  /// The entry whose value is `value`, or nullptr.
  const Entry* find(std::string_view value) const;

 private:
  std::vector<Entry> entries_;
};

struct ScanOptions {
  bool account_ids = false;  ///< Also report 12-digit account ids (off by default).
  unsigned threads = 0;      ///< Worker threads for scan_files; 0 picks min(2, hardware).
};

/// True when `value` is a documented example credential (ends in EXAMPLE or EXAMPLEKEY).
bool is_example_credential(std::string_view value);

/// True when the first 8000 bytes hold a NUL (git's own test for a binary file).
bool looks_binary(std::string_view bytes);

/// The UTF-8 text of a UTF-16 file (a byte-order mark, or ASCII text with NUL in every other
/// byte, as Windows editors and PowerShell write .env and .ps1 files), or nullopt when `bytes`
/// is not UTF-16. Invalid units become U+FFFD.
std::optional<std::string> decode_utf16(std::string_view bytes);

/// Counts and problems of one scan; findings in input order (files, then offsets).
struct ScanReport {
  std::vector<SecretFinding> findings;
  std::vector<std::string> errors;  ///< "path: reason" for files that could not be read.
  std::size_t files_scanned = 0;
  std::size_t files_binary = 0;  ///< Skipped as binary.
  std::size_t files_utf16 = 0;   ///< Scanned after decoding from UTF-16 (counted in files_scanned too).
  std::size_t bytes_scanned = 0;
  std::size_t allowed_inline = 0;  ///< Findings dropped by an inline allow comment on their line.
};

/// Called from the scanning threads (possibly concurrently) after each file: files done, total.
using ScanProgress = std::function<void(std::size_t done, std::size_t total)>;

class SecretScanner {
 public:
  /// Compiles the patterns. Fails only if Hyperscan refuses them (e.g. a CPU without SSSE3).
  static Result<SecretScanner> create(const ScanOptions& options, OwnCredentials own = {});

  SecretScanner(SecretScanner&&) noexcept;
  SecretScanner& operator=(SecretScanner&&) noexcept;
  ~SecretScanner();

  /// Every credential in `bytes` (binary or not, UTF-8 or not: the caller decides), reported
  /// under `path`, except on lines with an inline allow comment.
  std::vector<SecretFinding> scan_buffer(std::string_view path, std::string_view bytes) const;

  /// Reads and scans each file (in parallel), decoding UTF-16 files and skipping binary ones.
  ScanReport scan_files(const std::vector<std::string>& paths, const ScanProgress& progress = {}) const;

  /// Scans the blobs staged in the git index of the work tree at `repo_dir` (added, copied,
  /// modified or renamed files), as `git commit` would record them, not the work-tree files.
  /// Paths are reported relative to the top of the work tree.
  Result<ScanReport> scan_staged(const std::string& repo_dir) const;

 private:
  struct Impl;
  explicit SecretScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The files a scan of one path covers, and what it cannot cover.
struct ScanFileList {
  std::vector<std::string> files;  ///< Sorted.
  /// "path: reason" for directories (and listed files) that could not be read: what they hold
  /// is unknown, so a scan with errors must not pass.
  std::vector<std::string> errors;
  /// "path: reason" for a path that is not scanned by design: a symbolic link (never followed),
  /// a device, a FIFO, a socket.
  std::vector<std::string> skipped;
};

/// The files a scan of `path` covers. A file is itself. A directory inside a git work tree is
/// what `git ls-files -co --exclude-standard` lists (tracked plus untracked, not ignored); any
/// other directory is walked, skipping .git and what the directory's own .gitignore excludes (a
/// best effort: see GitignoreRules). Symlinks inside a directory are not followed (and not
/// reported); `path` itself, when a symlink, is reported in `skipped`. Fails when `path` does
/// not exist or cannot be examined.
Result<ScanFileList> list_scan_files(const std::string& path);

/// A .gitignore, as far as awsprof reads it without git: one pattern a line; '#' comments; '!'
/// negation; a trailing '/' for directories only; a leading or inner '/' anchors the pattern to
/// the root, else it matches the last path component at any depth; '*', '?', '[...]' as in
/// fnmatch, and "**/" prefixes. Not supported: nested .gitignore files, .git/info/exclude,
/// core.excludesFile, escaped trailing spaces.
class GitignoreRules {
 public:
  static GitignoreRules parse(std::string_view text);
  /// True when the path (relative to the root, '/'-separated) is ignored.
  bool ignored(std::string_view relative_path, bool is_directory) const;

 private:
  struct Rule {
    std::string pattern;
    bool negate = false;
    bool directory_only = false;
    bool anchored = false;
  };
  std::vector<Rule> rules_;
};

/// The plain git pre-commit hook --install-hook writes: a POSIX sh script that runs
/// `awsprof lint --staged` (awsprof found on PATH) and lets its exit status stop the commit.
std::string_view pre_commit_hook_script();

enum class HookAction { installed, unchanged, replaced };

struct HookInstall {
  std::string path;  ///< The hook file written (or found identical).
  HookAction action = HookAction::installed;
  std::string backup_path;  ///< With replaced: where the previous hook was kept.
};

/// Installs pre_commit_hook_script() as the pre-commit hook of the git repository containing
/// `repo_dir` (where `git rev-parse --git-path hooks/pre-commit` says, so core.hooksPath is
/// honoured), mode 755. An existing identical hook is left alone; a different one is refused
/// unless `force`, and then first kept as "pre-commit.awsprof-backup" beside it (an older backup
/// is never replaced: the next free of "...awsprof-backup.2", ".3", ... is used instead).
Result<HookInstall> install_pre_commit_hook(const std::string& repo_dir, bool force);

/// Rule ids of the scan findings.
inline constexpr const char* kRuleScanAccessKeyId = "lint.scan-access-key-id";
inline constexpr const char* kRuleScanSecretAccessKey = "lint.scan-secret-access-key";
inline constexpr const char* kRuleScanSessionToken = "lint.scan-session-token";
inline constexpr const char* kRuleScanAccountId = "lint.scan-account-id";
inline constexpr const char* kRuleScanOwnCredential = "lint.scan-own-credential";

/// The findings as diagnostics (rule ids above; account ids are warnings, the rest errors).
Diagnostics to_diagnostics(const std::vector<SecretFinding>& findings);

}  // namespace awsprof
