// The disk, behind one small interface: real files for the tools, memory for unit tests.
//
// Every single-file write awsprof makes goes through FileSystem::write_file_atomic, and every
// read-modify-write through update_files(), which locks the files' directories for the whole cycle
// and replaces several files as one: after a kill, a crash or an I/O error at any point, a set of
// files updated together is either all old or all new, never a mix. Readers that need such a set
// whole use read_files().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/result.hpp"

namespace awsprof {

struct FileContent {
  bool exists = false;  ///< False when the file is missing (the AWS CLI treats that as empty).
  std::string bytes;
};

/// A process that holds a lock awsprof waits for, as far as the system tells (/proc/locks).
struct LockHolder {
  std::string directory;      ///< The locked directory.
  std::optional<long> pid;    ///< The holder's process id, when known.
  std::string command;        ///< Its command name (/proc/PID/comm), when known.
};

/// How the file layer waits, and what it tells its caller meanwhile. The library never prints:
/// a tool turns these calls into lines on stderr.
struct FileAccessOptions {
  /// How long to wait for a directory another process has locked before giving up (exit 2,
  /// nothing written).
  std::chrono::milliseconds lock_timeout{10'000};
  /// Called once for each busy directory, before waiting for it.
  std::function<void(const LockHolder&)> on_lock_wait;
  /// Called once for each interrupted multi-file edit that was finished or undone, and for
  /// temporary files a killed writer left, with a sentence saying what was done.
  std::function<void(const std::string&)> on_recovery;
};

/// Computes the new contents of several files from their current contents. Receives the current
/// contents in the order of the paths; returns the new contents in the same order, or an error.
/// A file whose new content equals the old is not rewritten.
using FileUpdate = std::function<Result<std::vector<std::string>>(const std::vector<FileContent>& current)>;

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// Reads a whole file. A missing file is not an error; an unreadable one (permissions, a
  /// directory, too large) is, and the message names the path.
  virtual Result<FileContent> read_file(const std::string& path) const = 0;
  /// Replaces the file's contents atomically: a temporary file in the same directory, fsync,
  /// rename. Keeps the mode of an existing file; a new file gets 0600 and new directories 0700,
  /// whatever the umask. A symlink is written through to its target. On failure (including a
  /// full disk or a file-size limit) the original is untouched and no temporary file is left.
  virtual Status write_file_atomic(const std::string& path, std::string_view bytes) = 0;

  /// Reads several files as one consistent set: never some of them from before and some from after
  /// a multi-file update made by another process meanwhile. Finishes or undoes first, when it
  /// can take the lock, an update a killed process left half done.
  /// This default reads each file in turn, for disks no other process writes.
  virtual Result<std::vector<FileContent>> read_files(const std::vector<std::string>& paths,
                                                      const FileAccessOptions& options) const;
  /// Locks, reads, applies `update` and writes every changed file, all files as one (see
  /// update_files()). This default takes no lock and writes each file in turn, for disks no
  /// other process writes.
  virtual Status update(const std::vector<std::string>& paths, const FileUpdate& update,
                        const FileAccessOptions& options);
  /// The names of the entries of a directory (no "." or ".."), sorted. A missing directory has none.
  /// This default lists nothing: a disk that cannot list says so.
  virtual Result<std::vector<std::string>> list_directory(const std::string& directory) const;
  /// Removes a file (not a directory); one that does not exist is not an error. The caller holds
  /// the directory's lock when others may write the file (update() with an updater that removes it
  /// and returns the contents unchanged).
  /// This default refuses.
  virtual Status remove_file(const std::string& path);

  /// True when the two paths name one file (the same device and inode, or, for files that do
  /// not exist yet, the same place once symlinks and `.`/`..` are resolved).
  virtual bool same_file(const std::string& a, const std::string& b) const { return a == b; }
};

/// The real disk (POSIX).
class RealFileSystem final : public FileSystem {
 public:
  /// Files larger than this are refused when read, so junk cannot exhaust memory.
  static constexpr std::size_t kMaxFileSize = 256u * 1024 * 1024;

  Result<FileContent> read_file(const std::string& path) const override;
  Status write_file_atomic(const std::string& path, std::string_view bytes) override;
  /// Retries while another process replaces a file of the set, and reads a half-done update as
  /// its new files when the writer is still at work.
  Result<std::vector<FileContent>> read_files(const std::vector<std::string>& paths,
                                              const FileAccessOptions& options) const override;
  /// Holds an advisory lock (flock) on each directory of the files, taken once per directory
  /// however its path is spelled (by device and inode), for the whole read-modify-write. Several
  /// files change as one through a journal (see docs/file-safety.md).
  Status update(const std::vector<std::string>& paths, const FileUpdate& update,
                const FileAccessOptions& options) override;
  Result<std::vector<std::string>> list_directory(const std::string& directory) const override;
  Status remove_file(const std::string& path) override;
  bool same_file(const std::string& a, const std::string& b) const override;
};

/// An in-memory disk for unit tests.
class MemoryFileSystem final : public FileSystem {
 public:
  Result<FileContent> read_file(const std::string& path) const override;
  Status write_file_atomic(const std::string& path, std::string_view bytes) override;
  Result<std::vector<std::string>> list_directory(const std::string& directory) const override;
  Status remove_file(const std::string& path) override;

  void put(const std::string& path, std::string bytes) { files_[path] = std::move(bytes); }
  /// Makes reads of `path` fail, as an unreadable file would.
  void make_unreadable(const std::string& path) { unreadable_.push_back(path); }
  /// Makes the next writes fail, as a full disk would.
  void fail_writes(bool fail) { fail_writes_ = fail; }
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  std::map<std::string, std::string> files_;
  std::vector<std::string> unreadable_;
  bool fail_writes_ = false;
};

/// Locks every path's directory, reads the files, applies `update`, and writes each changed file;
/// when several change, they change as one. Either everything is written, or an error is returned
/// and no file has changed. Two paths that name one file may not both be changed (one change
/// would be lost): that is refused.
Status update_files(FileSystem& fs, const std::vector<std::string>& paths, const FileUpdate& update,
                    const FileAccessOptions& options = {});

}  // namespace awsprof
