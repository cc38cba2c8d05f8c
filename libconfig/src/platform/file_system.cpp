#include "awsprof/platform/file_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "posix_file.hpp"

namespace awsprof {

namespace detail {

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

std::string canonical_target(const std::string& path) {
  auto target = resolve_write_target(path);
  std::string resolved = target ? *target : path;
  std::string dir = dirname_of(resolved);
  std::string base = basename_of(resolved);
  // Climb to the nearest directory that exists; realpath spells it one way.
  std::string missing;
  for (;;) {
    if (char* real = realpath(dir.c_str(), nullptr)) {
      std::string out(real);
      std::free(real);
      return (out == "/" ? "" : out) + missing + "/" + base;
    }
    if (dir == "/" || dir == ".") return resolved;
    missing = "/" + basename_of(dir) + missing;
    dir = dirname_of(dir);
  }
}

Status make_directories(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status();
    return Status::error(dir + ": not a directory");
  }
  if (dir != "/" && dir != ".") {
    if (Status parent = make_directories(dirname_of(dir)); !parent) return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0) {
    if (errno != EEXIST) return Status::error(dir + ": cannot create directory: " + errno_text(errno));
    return Status();
  }
  // mkdir applies the umask, which may take bits away but never adds any: 0700 stays at most
  // 0700. chmod makes it exactly 0700 even under a umask such as 0100.
  chmod(dir.c_str(), 0700);
  return Status();
}

std::optional<FileIdentity> identity_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino};
}

Result<ReplacedFile> stat_replaced(const std::string& path, const std::string& target) {
  ReplacedFile replaced;
  replaced.owner = geteuid();
  replaced.group = getegid();
  struct stat st {};
  if (stat(target.c_str(), &st) != 0) {
    if (errno == ENOENT) return replaced;
    return Result<ReplacedFile>::error(path + ": cannot stat: " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) return Result<ReplacedFile>::error(path + ": not a regular file");
  replaced.exists = true;
  replaced.mode = st.st_mode & 07777;
  replaced.owner = st.st_uid;
  replaced.group = st.st_gid;
  replaced.identity = FileIdentity{st.st_dev, st.st_ino};
  return replaced;
}

namespace {

// While it lives, a write past RLIMIT_FSIZE fails with EFBIG instead of killing the process with
// SIGXFSZ: a file-size limit must be an error that leaves the original intact, like a full disk.
class IgnoreFileSizeSignal {
 public:
  IgnoreFileSizeSignal() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    installed_ = sigaction(SIGXFSZ, &ignore, &previous_) == 0;
  }
  ~IgnoreFileSizeSignal() {
    if (installed_) sigaction(SIGXFSZ, &previous_, nullptr);
  }
  IgnoreFileSizeSignal(const IgnoreFileSizeSignal&) = delete;
  IgnoreFileSizeSignal& operator=(const IgnoreFileSizeSignal&) = delete;

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

}  // namespace

int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

Result<TempFile> write_temp_file(const std::string& path, const std::string& target, std::string_view bytes,
                                 const ReplacedFile& replaced, std::string_view prefix) {
  using R = Result<TempFile>;
  const std::string dir = dirname_of(target);
  TempFile temp;
  temp.path = dir + "/" + std::string(prefix) + basename_of(target) + ".XXXXXX";
  int fd = mkostemp(temp.path.data(), O_CLOEXEC);
  if (fd < 0) return R::error(path + ": cannot create a temporary file in " + dir + ": " + errno_text(errno));
  auto fail = [&](const std::string& what, int error) {
    close(fd);
    unlink(temp.path.c_str());
    return R::error(path + ": " + what + ": " + errno_text(error));
  };
  if (fchmod(fd, replaced.mode) != 0) return fail("cannot set the file mode", errno);
  // Keep the owner when root edits someone else's file; failing to is not fatal.
  if (replaced.owner != geteuid() || replaced.group != getegid())
    (void)!fchown(fd, replaced.owner, replaced.group);
  IgnoreFileSizeSignal file_size_limit_is_an_error;
  if (int error = write_all(fd, bytes); error != 0) return fail("cannot write", error);
  if (fsync(fd) != 0) return fail("cannot sync", errno);
  struct stat st {};
  if (fstat(fd, &st) != 0) return fail("cannot stat the temporary file", errno);
  temp.identity = FileIdentity{st.st_dev, st.st_ino};
  temp.size = bytes.size();
  if (close(fd) != 0) {
    int error = errno;
    unlink(temp.path.c_str());
    return R::error(path + ": cannot close: " + errno_text(error));
  }
  return temp;
}

Status sync_directory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::error(dir + ": cannot open: " + errno_text(errno));
  int result = fsync(fd);
  int error = errno;
  close(fd);
  if (result != 0) return Status::error(dir + ": cannot sync: " + errno_text(error));
  return Status();
}

Result<IdentifiedContent> read_identified(const std::string& path, std::size_t max_size) {
  using R = Result<IdentifiedContent>;
  IdentifiedContent out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    return R::error(path + ": cannot open: " + errno_text(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int error = errno;
    close(fd);
    return R::error(path + ": cannot stat: " + errno_text(error));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return R::error(path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
  }
  if (static_cast<std::size_t>(st.st_size) > max_size) {
    close(fd);
    return R::error(path + ": file is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                    std::to_string(max_size) + ")");
  }
  out.identity = FileIdentity{st.st_dev, st.st_ino};
  FileContent& content = out.content;
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
      return R::error(path + ": cannot read: " + errno_text(error));
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
    if (filled > max_size) {
      close(fd);
      return R::error(path + ": file is too large");
    }
  }
  close(fd);
  content.bytes.resize(filled);
  return out;
}

}  // namespace detail

using namespace detail;

Result<FileContent> RealFileSystem::read_file(const std::string& path) const {
  auto read = read_identified(path, kMaxFileSize);
  if (!read) return Result<FileContent>::error(read.message());
  return std::move(read->content);
}

Status RealFileSystem::write_file_atomic(const std::string& path, std::string_view bytes) {
  auto target = resolve_write_target(path);
  if (!target) return target.status();
  const std::string dir = dirname_of(*target);
  if (Status made = make_directories(dir); !made) return made;
  auto replaced = stat_replaced(path, *target);
  if (!replaced) return replaced.status();
  auto temp = write_temp_file(path, *target, bytes, *replaced);
  if (!temp) return temp.status();
  if (rename(temp->path.c_str(), target->c_str()) != 0) {
    int error = errno;
    unlink(temp->path.c_str());
    return Status::error(path + ": cannot replace the file: " + errno_text(error));
  }
  // The new contents are in place; a failed directory sync only makes the rename less durable,
  // and reporting it as an error would claim, wrongly, that nothing changed.
  (void)sync_directory(dir);
  return Status();
}

Result<std::vector<std::string>> FileSystem::list_directory(const std::string& directory) const {
  return Result<std::vector<std::string>>::error(directory + ": this file system cannot list directories");
}

Status FileSystem::remove_file(const std::string& path) {
  return Status::error(path + ": this file system cannot remove files");
}

Result<std::vector<std::string>> RealFileSystem::list_directory(const std::string& directory) const {
  using R = Result<std::vector<std::string>>;
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return std::vector<std::string>{};
    return R::error(directory + ": cannot list: " + errno_text(errno));
  }
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status RealFileSystem::remove_file(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Status::error(path + ": cannot remove: " + errno_text(errno));
  (void)sync_directory(dirname_of(path));
  return Status();
}

bool RealFileSystem::same_file(const std::string& a, const std::string& b) const {
  if (a == b) return true;
  std::optional<FileIdentity> first = identity_of(a);
  std::optional<FileIdentity> second = identity_of(b);
  if (first && second) return *first == *second;
  if (first || second) return false;
  return canonical_target(a) == canonical_target(b);
}

Result<std::vector<FileContent>> FileSystem::read_files(const std::vector<std::string>& paths,
                                                        const FileAccessOptions&) const {
  std::vector<FileContent> contents;
  contents.reserve(paths.size());
  for (const std::string& path : paths) {
    auto content = read_file(path);
    if (!content) return Result<std::vector<FileContent>>::error(content.message());
    contents.push_back(std::move(*content));
  }
  return contents;
}

Status FileSystem::update(const std::vector<std::string>& paths, const FileUpdate& update,
                          const FileAccessOptions& options) {
  auto current = read_files(paths, options);
  if (!current) return current.status();
  auto updated = update(*current);
  if (!updated) return updated.status();
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if ((*current)[i].exists ? (*updated)[i] == (*current)[i].bytes : (*updated)[i].empty()) continue;
    if (Status written = write_file_atomic(paths[i], (*updated)[i]); !written) return written;
  }
  return Status();
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

Result<std::vector<std::string>> MemoryFileSystem::list_directory(const std::string& directory) const {
  const std::string prefix = directory + "/";
  std::vector<std::string> names;
  for (const auto& [path, bytes] : files_) {
    if (path.rfind(prefix, 0) != 0) continue;
    const std::string rest = path.substr(prefix.size());
    const std::string name = rest.substr(0, rest.find('/'));
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

Status MemoryFileSystem::remove_file(const std::string& path) {
  if (fail_writes_) return Status::error(path + ": cannot remove: Read-only file system");
  files_.erase(path);
  return Status();
}

Status update_files(FileSystem& fs, const std::vector<std::string>& paths, const FileUpdate& update,
                    const FileAccessOptions& options) {
  // Paths that name one file are read and written once: `slot[i]` is where paths[i] went.
  std::vector<std::string> distinct;
  std::vector<std::size_t> slot;
  for (const std::string& path : paths) {
    std::size_t j = 0;
    while (j < distinct.size() && !fs.same_file(distinct[j], path)) ++j;
    if (j == distinct.size()) distinct.push_back(path);
    slot.push_back(j);
  }
  auto expanded = [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
    using R = Result<std::vector<std::string>>;
    std::vector<FileContent> per_path;
    per_path.reserve(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) per_path.push_back(current[slot[i]]);
    auto updated = update(per_path);
    if (!updated) return updated;
    if (updated->size() != paths.size()) return R::error("internal error: update returned the wrong number of files");
    std::vector<std::string> out;
    std::vector<std::optional<std::size_t>> changed_by(distinct.size());
    for (std::size_t j = 0; j < distinct.size(); ++j) out.push_back(current[j].bytes);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const std::size_t j = slot[i];
      if ((*updated)[i] == current[j].bytes) continue;
      if (changed_by[j] && out[j] != (*updated)[i])
        return R::error(paths[*changed_by[j]] + " and " + paths[i] +
                        " are the same file, and this change would write it twice with different "
                        "contents, losing one of them; nothing was written");
      changed_by[j] = i;
      out[j] = std::move((*updated)[i]);
    }
    return out;
  };
  return fs.update(distinct, expanded, options);
}

}  // namespace awsprof
