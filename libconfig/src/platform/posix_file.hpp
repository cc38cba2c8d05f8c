// The POSIX steps the real disk is built from, shared by single-file writes (file_system.cpp),
// multi-file updates (file_update.cpp) and child processes' pipes (subprocess.cpp).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "awsprof/platform/file_system.hpp"
#include "awsprof/support/result.hpp"

namespace awsprof::detail {

/// A file's identity on disk: two paths to one file have the same.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileIdentity& other) const { return device == other.device && inode == other.inode; }
  bool operator<(const FileIdentity& other) const {
    return device != other.device ? device < other.device : inode < other.inode;
  }
};

// Every name awsprof gives a file of its own in a directory it writes to starts with this, so that
// nothing else mistakes them for configuration and recovery can find what a killed process left.
inline constexpr std::string_view kTempPrefix = ".awsprof-tmp.";     // new contents, before rename
inline constexpr std::string_view kBackupPrefix = ".awsprof-orig.";  // the original, until commit
inline constexpr std::string_view kJournalName = ".awsprof-journal";

std::string errno_text(int error);

/// Writes all of `bytes` to `fd`, again after an interrupted call: 0, or the errno of the failure.
int write_all(int fd, std::string_view bytes);
std::string dirname_of(const std::string& path);
std::string basename_of(const std::string& path);

/// Follows symlinks to the file a write should replace (which may not exist yet).
Result<std::string> resolve_write_target(const std::string& path);

/// The absolute, symlink-free path of `path`'s write target, as far as its directory exists:
/// two spellings of one place give the same string.
std::string canonical_target(const std::string& path);

/// mkdir -p, giving each directory it creates mode 0700 whatever the umask (they hold credentials).
Status make_directories(const std::string& dir);

/// The identity of an existing file (following symlinks), or nullopt.
std::optional<FileIdentity> identity_of(const std::string& path);

/// What a write must keep of the file it replaces: its mode and owner.
struct ReplacedFile {
  bool exists = false;
  mode_t mode = 0600;
  uid_t owner = 0;
  gid_t group = 0;
  FileIdentity identity;
};
/// Stats `target` (already resolved). An existing non-regular file is an error.
Result<ReplacedFile> stat_replaced(const std::string& path, const std::string& target);

/// A temporary file written in full and synced, not yet renamed into place.
struct TempFile {
  std::string path;
  FileIdentity identity;
  std::size_t size = 0;
};
/// Writes `bytes` to a new `<dir>/.awsprof-tmp.<base>.XXXXXX` beside `target`, with the mode and
/// owner of `replaced`, and fsyncs it. Errors (a full disk, a file-size limit: SIGXFSZ is ignored
/// while writing, so the limit is an error, not a kill) name `path` and leave no file behind.
Result<TempFile> write_temp_file(const std::string& path, const std::string& target, std::string_view bytes,
                                 const ReplacedFile& replaced, std::string_view prefix = kTempPrefix);

/// A file's bytes and, when it exists, the identity of what was read.
struct IdentifiedContent {
  FileContent content;
  std::optional<FileIdentity> identity;
};
/// Reads a whole file, refusing anything but a regular file of at most `max_size` bytes.
Result<IdentifiedContent> read_identified(const std::string& path, std::size_t max_size);

/// fsync of a directory, making the renames and unlinks in it durable.
Status sync_directory(const std::string& dir);

}  // namespace awsprof::detail
