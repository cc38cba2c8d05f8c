// The disk, behind one small interface: real files for the tools, memory for unit tests.
//
// Every write awsprof makes goes through FileSystem::write_file_atomic, and every
// read-modify-write through update_files(), which holds an advisory lock for the whole cycle.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/result.hpp"

namespace awsprof {

struct FileContent {
  bool exists = false;  ///< False when the file is missing (the AWS CLI treats that as empty).
  std::string bytes;
};

/// Held while a read-modify-write is in progress; releases the lock when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// Reads a whole file. A missing file is not an error; an unreadable one (permissions, a
  /// directory, too large) is, and the message names the path.
  virtual Result<FileContent> read_file(const std::string& path) const = 0;
  /// Replaces the file's contents atomically: a temporary file in the same directory, fsync,
  /// rename. Keeps the mode of an existing file; a new file gets 0600 and new directories 0700.
  /// A symlink is written through to its target. On failure the original is untouched.
  virtual Status write_file_atomic(const std::string& path, std::string_view bytes) = 0;
  /// Takes the advisory locks that serialise writers of these paths (one per directory, so the
  /// config and credentials files beside each other share one), creating missing directories.
  virtual Result<std::unique_ptr<FileLock>> lock_for_update(const std::vector<std::string>& paths) = 0;
};

/// The real disk (POSIX).
class RealFileSystem final : public FileSystem {
 public:
  /// Files larger than this are refused when read, so junk cannot exhaust memory.
  static constexpr std::size_t kMaxFileSize = 256u * 1024 * 1024;

  Result<FileContent> read_file(const std::string& path) const override;
  Status write_file_atomic(const std::string& path, std::string_view bytes) override;
  Result<std::unique_ptr<FileLock>> lock_for_update(const std::vector<std::string>& paths) override;
};

/// An in-memory disk for unit tests.
class MemoryFileSystem final : public FileSystem {
 public:
  Result<FileContent> read_file(const std::string& path) const override;
  Status write_file_atomic(const std::string& path, std::string_view bytes) override;
  Result<std::unique_ptr<FileLock>> lock_for_update(const std::vector<std::string>& paths) override;

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

/// Computes the new contents of several files from their current contents. Receives the current
/// contents in the order of the paths; returns the new contents in the same order, or an error.
/// A file whose new content equals the old is not rewritten.
using FileUpdate = std::function<Result<std::vector<std::string>>(const std::vector<FileContent>& current)>;

/// Locks every path, reads them, applies `update`, and writes each changed file atomically.
/// Either every write is attempted and succeeds, or the first failure is returned; files not yet
/// written keep their contents.
Status update_files(FileSystem& fs, const std::vector<std::string>& paths, const FileUpdate& update);

}  // namespace awsprof
