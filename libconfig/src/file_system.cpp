#include "awsprof/file_system.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <set>

namespace awsprof {

namespace {

std::string errno_text(int error) { return std::strerror(error); }

std::string dirname_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string basename_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Follows symlinks to the file a write should replace (which may not exist yet).
Result<std::string> resolve_write_target(const std::string& path) {
  std::string target = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (lstat(target.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return target;
    char buffer[PATH_MAX];
    ssize_t n = readlink(target.c_str(), buffer, sizeof buffer - 1);
    if (n < 0) return Result<std::string>::error(path + ": cannot read symlink: " + errno_text(errno));
    std::string link(buffer, static_cast<std::size_t>(n));
    target = link.starts_with('/') ? link : dirname_of(target) + "/" + link;
  }
  return Result<std::string>::error(path + ": too many levels of symbolic links");
}

// mkdir -p, giving directories it creates mode 0700 (they will hold credentials).
Status make_directories(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status();
    return Status::error(dir + ": not a directory");
  }
  if (dir != "/" && dir != ".") {
    if (Status parent = make_directories(dirname_of(dir)); !parent) return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::error(dir + ": cannot create directory: " + errno_text(errno));
  return Status();
}

class DirectoryLocks final : public FileLock {
 public:
  ~DirectoryLocks() override {
    for (int fd : fds_) close(fd);  // closing releases the flock
  }
  std::vector<int> fds_;
};

Status write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::error(errno_text(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status();
}

}  // namespace

Result<FileContent> RealFileSystem::read_file(const std::string& path) const {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return FileContent{};
    return Result<FileContent>::error(path + ": cannot open: " + errno_text(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int error = errno;
    close(fd);
    return Result<FileContent>::error(path + ": cannot stat: " + errno_text(error));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return Result<FileContent>::error(path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxFileSize) {
    close(fd);
    return Result<FileContent>::error(path + ": file is too large (" + std::to_string(st.st_size) +
                                      " bytes; the limit is " + std::to_string(kMaxFileSize) + ")");
  }
  FileContent content;
  content.exists = true;
  content.bytes.resize(static_cast<std::size_t>(st.st_size));
  std::size_t filled = 0;
  char probe[4096];  // a file that grew since fstat: read on, without moving the buffer to find EOF
  for (;;) {
    const bool full = filled == content.bytes.size();
    ssize_t n = full ? read(fd, probe, sizeof probe)
                     : read(fd, content.bytes.data() + filled, content.bytes.size() - filled);
    if (n > 0 && full) content.bytes.append(probe, static_cast<std::size_t>(n));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      return Result<FileContent>::error(path + ": cannot read: " + errno_text(error));
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
    if (filled > kMaxFileSize) {
      close(fd);
      return Result<FileContent>::error(path + ": file is too large");
    }
  }
  close(fd);
  content.bytes.resize(filled);
  return content;
}

Status RealFileSystem::write_file_atomic(const std::string& path, std::string_view bytes) {
  auto target = resolve_write_target(path);
  if (!target) return target.status();
  const std::string dir = dirname_of(*target);
  if (Status made = make_directories(dir); !made) return made;

  mode_t mode = 0600;
  struct stat existing {};
  const bool exists = stat(target->c_str(), &existing) == 0;
  if (exists) {
    if (!S_ISREG(existing.st_mode)) return Status::error(path + ": not a regular file");
    mode = existing.st_mode & 07777;
  }

  std::string temp = dir + "/." + basename_of(*target) + ".awsprof-XXXXXX";
  int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Status::error(path + ": cannot create a temporary file in " + dir + ": " + errno_text(errno));
  auto fail = [&](const std::string& what, int error) {
    close(fd);
    unlink(temp.c_str());
    return Status::error(path + ": " + what + ": " + errno_text(error));
  };
  if (fchmod(fd, mode) != 0) return fail("cannot set the file mode", errno);
  // Keep the owner when root edits someone else's file; failing to is not fatal.
  if (exists && (existing.st_uid != geteuid() || existing.st_gid != getegid()))
    (void)!fchown(fd, existing.st_uid, existing.st_gid);
  if (Status written = write_all(fd, bytes); !written) return fail("cannot write", errno);
  if (fsync(fd) != 0) return fail("cannot sync", errno);
  if (close(fd) != 0) {
    int error = errno;
    unlink(temp.c_str());
    return Status::error(path + ": cannot close: " + errno_text(error));
  }
  if (rename(temp.c_str(), target->c_str()) != 0) {
    int error = errno;
    unlink(temp.c_str());
    return Status::error(path + ": cannot replace the file: " + errno_text(error));
  }
  // Make the rename itself durable.
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return Status();
}

Result<std::unique_ptr<FileLock>> RealFileSystem::lock_for_update(const std::vector<std::string>& paths) {
  std::set<std::string> dirs;  // sorted, so every process takes the locks in the same order
  for (const std::string& path : paths) {
    auto target = resolve_write_target(path);
    if (!target) return Result<std::unique_ptr<FileLock>>::error(target.message());
    dirs.insert(dirname_of(*target));
  }
  auto locks = std::make_unique<DirectoryLocks>();
  for (const std::string& dir : dirs) {
    if (Status made = make_directories(dir); !made) return Result<std::unique_ptr<FileLock>>::error(made.message());
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Result<std::unique_ptr<FileLock>>::error(dir + ": cannot open to lock: " + errno_text(errno));
    locks->fds_.push_back(fd);
    while (flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) return Result<std::unique_ptr<FileLock>>::error(dir + ": cannot lock: " + errno_text(errno));
    }
  }
  return std::unique_ptr<FileLock>(std::move(locks));
}

Result<FileContent> MemoryFileSystem::read_file(const std::string& path) const {
  if (std::find(unreadable_.begin(), unreadable_.end(), path) != unreadable_.end())
    return Result<FileContent>::error(path + ": cannot open: Permission denied");
  auto it = files_.find(path);
  if (it == files_.end()) return FileContent{};
  return FileContent{true, it->second};
}

Status MemoryFileSystem::write_file_atomic(const std::string& path, std::string_view bytes) {
  if (fail_writes_) return Status::error(path + ": cannot write: No space left on device");
  files_[path] = std::string(bytes);
  return Status();
}

Result<std::unique_ptr<FileLock>> MemoryFileSystem::lock_for_update(const std::vector<std::string>&) {
  return std::unique_ptr<FileLock>(std::make_unique<FileLock>());
}

Status update_files(FileSystem& fs, const std::vector<std::string>& paths, const FileUpdate& update) {
  auto lock = fs.lock_for_update(paths);
  if (!lock) return lock.status();
  std::vector<FileContent> current;
  current.reserve(paths.size());
  for (const std::string& path : paths) {
    auto content = fs.read_file(path);
    if (!content) return content.status();
    current.push_back(std::move(*content));
  }
  auto updated = update(current);
  if (!updated) return updated.status();
  if (updated->size() != paths.size()) return Status::error("internal error: update returned the wrong number of files");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (current[i].exists && (*updated)[i] == current[i].bytes) continue;
    if (!current[i].exists && (*updated)[i].empty()) continue;
    if (Status written = fs.write_file_atomic(paths[i], (*updated)[i]); !written) return written;
  }
  return Status();
}

}  // namespace awsprof
