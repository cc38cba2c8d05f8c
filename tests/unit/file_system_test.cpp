#include "awsprof/platform/file_system.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "awsprof/syntax/document.hpp"

namespace awsprof {
namespace file_system_test {

namespace fs = std::filesystem;

class RealFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/awsprof-fs-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static mode_t mode_of(const std::string& p) {
    struct stat st {};
    EXPECT_EQ(stat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  std::vector<std::string> leftovers() const {
    std::vector<std::string> out;
    for (auto& entry : fs::recursive_directory_iterator(dir_))
      if (entry.path().filename().string().find(".awsprof-") != std::string::npos) out.push_back(entry.path());
    return out;
  }
  std::string dir_;
  RealFileSystem disk_;
};

TEST_F(RealFileSystemTest, MissingFileReadsAsAbsent) {
  auto content = disk_.read_file(path("nope"));
  ASSERT_TRUE(content);
  EXPECT_FALSE(content->exists);
}

TEST_F(RealFileSystemTest, ReadsAFileExactlyAndBeyondTheSizeStatGave) {
  // Exactly the stat size (the common case), including a size that is a multiple of 4096.
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{3 * 4096 + 7}}) {
    std::string bytes(size, 'x');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 26);
    ASSERT_TRUE(disk_.write_file_atomic(path("exact"), bytes));
    auto content = disk_.read_file(path("exact"));
    ASSERT_TRUE(content);
    EXPECT_EQ(content->bytes, bytes) << size;
  }
  // /proc files are regular files whose stat size (0) is not their length: read on to the end.
  auto status = disk_.read_file("/proc/self/status");
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->bytes.starts_with("Name:")) << status->bytes.substr(0, 40);
  EXPECT_NE(status->bytes.find("\nPid:"), std::string::npos);
}

TEST_F(RealFileSystemTest, DirectoryIsAnErrorNamingThePath) {
  auto content = disk_.read_file(dir_);
  ASSERT_FALSE(content);
  EXPECT_NE(content.message().find(dir_), std::string::npos);
}

TEST_F(RealFileSystemTest, NewFilesAre0600AndNewDirectories0700) {
  std::string file = path("home/.aws/credentials");
  ASSERT_TRUE(disk_.write_file_atomic(file, "[default]\n"));
  EXPECT_EQ(slurp(file), "[default]\n");
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(path("home/.aws")), 0700u);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(RealFileSystemTest, KeepsTheModeOfAnExistingFile) {
  std::string file = path("config");
  std::ofstream(file) << "old";
  chmod(file.c_str(), 0640);
  ASSERT_TRUE(disk_.write_file_atomic(file, "new"));
  EXPECT_EQ(slurp(file), "new");
  EXPECT_EQ(mode_of(file), 0640u);
}

TEST_F(RealFileSystemTest, WritesThroughASymlink) {
  fs::create_directories(path("dotfiles"));
  std::ofstream(path("dotfiles/config")) << "old";
  fs::create_symlink("dotfiles/config", path("config"));
  ASSERT_TRUE(disk_.write_file_atomic(path("config"), "new"));
  EXPECT_TRUE(fs::is_symlink(path("config")));
  EXPECT_EQ(slurp(path("dotfiles/config")), "new");
}

TEST_F(RealFileSystemTest, FailedWriteLeavesTheOriginalIntact) {
  std::string file = path("credentials");
  const std::string original = "[default]\naws_access_key_id = AKIAEXAMPLE\n";
  std::ofstream(file) << original;
  // A child process whose file-size limit makes the write fail part-way, as a full disk would.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    RealFileSystem disk;
    Status s = disk.write_file_atomic(file, std::string(1 << 20, 'x'));
    _exit(!s.ok() && s.message().find(file) != std::string::npos ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the write should fail with a message naming the path";
  EXPECT_EQ(slurp(file), original);
  EXPECT_TRUE(leftovers().empty()) << "the temporary file must be removed";
}

TEST_F(RealFileSystemTest, UnwritableDirectoryFailsWithoutTouchingTheFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  std::ofstream(path("config")) << "keep";
  chmod(dir_.c_str(), 0500);
  Status s = disk_.write_file_atomic(path("config"), "new");
  chmod(dir_.c_str(), 0700);
  EXPECT_FALSE(s);
  EXPECT_EQ(slurp(path("config")), "keep");
}

// Runs `body(i)` for i in [0, count) in as many processes at once; each must return true within
// `seconds` (a hang or a crash fails).
void expect_processes_succeed(int count, const std::function<bool(int)>& body, unsigned seconds = 30) {
  std::vector<pid_t> children;
  for (int i = 0; i < count; ++i) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      alarm(seconds);
      _exit(body(i) ? 0 : 1);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    const int signal_number = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    EXPECT_EQ(signal_number, 0) << "killed by signal " << signal_number << (signal_number == SIGALRM ? " (it hung)" : "");
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

// Several processes each add their own key under the lock; none may be lost.
TEST_F(RealFileSystemTest, ConcurrentWritersLoseNothing) {
  const std::string file = path("config");
  constexpr int kWriters = 8;
  constexpr int kRoundsEach = 5;
  expect_processes_succeed(kWriters, [&](int w) {
    RealFileSystem disk;
    for (int r = 0; r < kRoundsEach; ++r) {
      Status s = update_files(disk, {file}, [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
        Document doc = Document::parse(current[0].bytes);
        Status set = doc.set_property({"profile", "w" + std::to_string(w)}, "k" + std::to_string(r), "v");
        if (!set) return Result<std::vector<std::string>>::error(set.message());
        usleep(1000);  // widen the window a lost update would need
        return std::vector<std::string>{doc.text()};
      });
      if (!s) return false;
    }
    return true;
  });
  Document result = Document::parse(slurp(file));
  for (int w = 0; w < kWriters; ++w) {
    const SectionRange* section = result.find_section({"profile", "w" + std::to_string(w)});
    ASSERT_NE(section, nullptr) << "writer " << w << " lost";
    for (int r = 0; r < kRoundsEach; ++r)
      EXPECT_NE(result.find_property(*section, "k" + std::to_string(r)), nullptr) << "w" << w << " k" << r;
  }
  EXPECT_TRUE(leftovers().empty());
}

FileUpdate append_to_each(const std::string& suffix) {
  return [suffix](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const FileContent& content : current) out.push_back(content.bytes + suffix);
    return out;
  };
}

// One directory reached by differently spelled paths is locked once: locking it twice from one
// process waited for itself forever.
TEST_F(RealFileSystemTest, OneDirectorySpelledTwoWaysIsLockedOnce) {
  fs::create_directories(path("real"));
  fs::create_directory_symlink("real", path("link"));
  const std::string dir = dir_;
  expect_processes_succeed(1, [dir](int) {
    if (chdir((dir + "/real").c_str()) != 0) return false;
    RealFileSystem disk;
    // relative and absolute; a symlinked directory and its target; a "./" and "../" spelling
    for (const auto& pair : std::vector<std::vector<std::string>>{{"config", dir + "/real/credentials"},
                                                                   {dir + "/link/config", dir + "/real/credentials"},
                                                                   {"./config", "../real/credentials"}}) {
      if (!update_files(disk, pair, append_to_each("x"))) return false;
    }
    return true;
  }, 10);
  EXPECT_EQ(slurp(path("real/config")), "xxx");
  EXPECT_EQ(slurp(path("real/credentials")), "xxx");
  EXPECT_TRUE(leftovers().empty());
}

// A lock another process really holds: waited for a bounded time, reported once (naming the
// directory and the process), then an error with nothing written.
TEST_F(RealFileSystemTest, BusyLockIsReportedThenTimesOutWithNothingWritten) {
  std::ofstream(path("config")) << "old";
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    int fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
    flock(fd, LOCK_EX);
    (void)!write(ready[1], "1", 1);
    sleep(5);
    _exit(0);
  }
  char byte;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  std::vector<LockHolder> waits;
  FileAccessOptions options;
  options.lock_timeout = std::chrono::milliseconds(300);
  options.on_lock_wait = [&](const LockHolder& who) { waits.push_back(who); };
  RealFileSystem disk;
  const auto start = std::chrono::steady_clock::now();
  Status s = update_files(disk, {path("config"), path("credentials")}, append_to_each("new"), options);
  const auto waited = std::chrono::steady_clock::now() - start;
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find(dir_), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("process " + std::to_string(holder)), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nothing was written"), std::string::npos) << s.message();
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::seconds(3));
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].pid, holder);
  EXPECT_EQ(waits[0].directory, dir_);
  EXPECT_EQ(slurp(path("config")), "old");
  EXPECT_FALSE(fs::exists(path("credentials")));
}

TEST_F(RealFileSystemTest, TwoFilesChangeTogetherAndLeaveNothingBehind) {
  std::ofstream(path("config")) << "c";
  chmod(path("config").c_str(), 0640);
  fs::create_directories(path("other"));
  RealFileSystem disk;
  ASSERT_TRUE(update_files(disk, {path("config"), path("other/credentials")}, append_to_each("+")));
  EXPECT_EQ(slurp(path("config")), "c+");
  EXPECT_EQ(slurp(path("other/credentials")), "+");
  EXPECT_EQ(mode_of(path("config")), 0640u);
  EXPECT_EQ(mode_of(path("other/credentials")), 0600u);
  EXPECT_TRUE(leftovers().empty());
}

// Two names of one file: a change through one name is written once; changes through both would
// lose one of them, so they are refused.
TEST_F(RealFileSystemTest, OneFileUnderTwoNamesIsNeverWrittenTwice) {
  std::ofstream(path("shared")) << "[dev]\n";
  fs::create_symlink("shared", path("alias"));
  RealFileSystem disk;
  EXPECT_TRUE(disk.same_file(path("shared"), path("alias")));
  EXPECT_TRUE(disk.same_file(path("missing"), dir_ + "/./missing"));
  EXPECT_FALSE(disk.same_file(path("shared"), path("missing")));
  Status one = update_files(disk, {path("shared"), path("alias")},
                            [](const std::vector<FileContent>& c) -> Result<std::vector<std::string>> {
                              return std::vector<std::string>{c[0].bytes, c[1].bytes + "a = 1\n"};
                            });
  ASSERT_TRUE(one) << one.message();
  EXPECT_EQ(slurp(path("shared")), "[dev]\na = 1\n");
  Status both = update_files(disk, {path("shared"), path("alias")},
                             [](const std::vector<FileContent>& c) -> Result<std::vector<std::string>> {
                               return std::vector<std::string>{c[0].bytes + "b = 2\n", c[1].bytes + "c = 3\n"};
                             });
  ASSERT_FALSE(both);
  EXPECT_NE(both.message().find("same file"), std::string::npos) << both.message();
  EXPECT_EQ(slurp(path("shared")), "[dev]\na = 1\n");
}

// A write past RLIMIT_FSIZE used to kill the process with SIGXFSZ and leave its temporary file.
TEST_F(RealFileSystemTest, FileSizeLimitIsAnErrorNotAKill) {
  const std::string file = path("config");
  std::ofstream(file) << "small";
  expect_processes_succeed(1, [file](int) {
    struct rlimit limit {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    RealFileSystem disk;
    Status s = disk.write_file_atomic(file, std::string(1 << 20, 'x'));
    return !s.ok() && s.message().find(file) != std::string::npos &&
           s.message().find("too large") != std::string::npos;
  });
  EXPECT_EQ(slurp(file), "small");
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(RealFileSystemTest, NewFilesAndDirectoriesArePrivateUnderAnyUmask) {
  const std::string dir = dir_;
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0177}}) {
    const std::string home = dir + "/home" + std::to_string(mask);
    expect_processes_succeed(1, [home, mask](int) {
      umask(mask);
      RealFileSystem disk;
      return disk.write_file_atomic(home + "/.aws/cli/cache/key.json", "{}").ok();
    });
    EXPECT_EQ(mode_of(home + "/.aws/cli/cache/key.json"), 0600u) << "umask " << mask;
    for (const char* sub : {"/.aws", "/.aws/cli", "/.aws/cli/cache"})
      EXPECT_EQ(mode_of(home + sub), 0700u) << sub << " umask " << mask;
  }
}

// What a killed writer leaves after it committed (the journal and the new files under temporary
// names) is finished by the next reader; what it left before is removed.
TEST_F(RealFileSystemTest, ReaderFinishesAnEditCommittedBeforeAKill) {
  std::ofstream(path("config")) << "old config";
  std::ofstream(path("credentials")) << "old credentials";
  // A child commits a two-file edit and is killed at its first rename over a target.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    RealFileSystem disk;
    // The update function runs under the lock; the kill comes from the parent once the journal exists.
    (void)update_files(disk, {path("config"), path("credentials")},
                       [](const std::vector<FileContent>&) -> Result<std::vector<std::string>> {
                         return std::vector<std::string>{"new config", "new credentials"};
                       });
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  // That child finished; make the state of one killed after committing by hand from its result:
  // the credentials renamed back to a temporary name, and a journal naming both.
  ASSERT_EQ(slurp(path("config")), "new config");
  struct stat config_st {}, credentials_st {};
  ASSERT_EQ(stat(path("config").c_str(), &config_st), 0);
  const std::string temp = path(".awsprof-tmp.credentials.ABCDEF");
  ASSERT_EQ(rename(path("credentials").c_str(), temp.c_str()), 0);
  std::ofstream(path("credentials")) << "old credentials";
  ASSERT_EQ(stat(temp.c_str(), &credentials_st), 0);
  const std::string canonical_dir = fs::canonical(dir_).string();
  nlohmann::json journal = {
      {"awsprof_journal", 1},
      {"pid", 4242},
      {"files",
       {{{"target", canonical_dir + "/config"},
         {"temp", canonical_dir + "/.awsprof-tmp.config.XYZ"},
         {"new", {config_st.st_dev, config_st.st_ino}},
         {"new_size", 10}},
        {{"target", canonical_dir + "/credentials"},
         {"temp", canonical_dir + "/.awsprof-tmp.credentials.ABCDEF"},
         {"new", {credentials_st.st_dev, credentials_st.st_ino}},
         {"new_size", 15}}}}};
  std::ofstream(path(".awsprof-journal")) << journal.dump();
  std::ofstream(path(".awsprof-tmp.config.stray")) << "left before a kill";
  std::vector<std::string> notes;
  FileAccessOptions options;
  options.on_recovery = [&](const std::string& note) { notes.push_back(note); };
  RealFileSystem disk;
  auto read = disk.read_files({path("config"), path("credentials")}, options);
  ASSERT_TRUE(read) << read.message();
  EXPECT_EQ((*read)[0].bytes, "new config");
  EXPECT_EQ((*read)[1].bytes, "new credentials");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("finished an interrupted edit"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("process 4242"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("removed 1 temporary file"), std::string::npos) << notes[1];
  EXPECT_TRUE(leftovers().empty());
  EXPECT_FALSE(fs::exists(path(".awsprof-journal")));
}

// A journal whose new file is gone is undone: the files already replaced get their originals back.
TEST_F(RealFileSystemTest, EditWhoseNewFileIsLostIsUndone) {
  std::ofstream(path("config")) << "new config";
  std::ofstream(path(".awsprof-orig.config.1")) << "old config";
  std::ofstream(path("credentials")) << "old credentials";
  struct stat config_st {}, backup_st {};
  ASSERT_EQ(stat(path("config").c_str(), &config_st), 0);
  ASSERT_EQ(stat(path(".awsprof-orig.config.1").c_str(), &backup_st), 0);
  const std::string d = fs::canonical(dir_).string();
  nlohmann::json journal = {
      {"awsprof_journal", 1},
      {"files",
       {{{"target", d + "/config"},
         {"temp", d + "/.awsprof-tmp.config.A"},
         {"new", {config_st.st_dev, config_st.st_ino}},
         {"new_size", 10},
         {"backup", d + "/.awsprof-orig.config.1"},
         {"old", {backup_st.st_dev, backup_st.st_ino}}},
        {{"target", d + "/credentials"},
         {"temp", d + "/.awsprof-tmp.credentials.B"},  // never written: lost
         {"new", {config_st.st_dev, config_st.st_ino + 1000}},
         {"new_size", 15}}}}};
  std::ofstream(path(".awsprof-journal")) << journal.dump();
  std::vector<std::string> notes;
  RealFileSystem disk;
  Status s = update_files(disk, {path("config"), path("credentials")}, append_to_each(""),
                          FileAccessOptions{std::chrono::milliseconds(1000), nullptr,
                                            [&](const std::string& note) { notes.push_back(note); }});
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(slurp(path("config")), "old config");
  EXPECT_EQ(slurp(path("credentials")), "old credentials");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("undid an interrupted edit"), std::string::npos) << notes[0];
  EXPECT_TRUE(leftovers().empty());
}

// Eight processes each keep two files in step (the same counter in both) while a ninth reads the
// pair over and over: no update is lost, and no read ever sees the two files disagree.
TEST_F(RealFileSystemTest, ConcurrentTwoFileWritersLoseNothingAndReadersNeverSeeAMix) {
  fs::create_directories(path("a"));
  fs::create_directories(path("b"));
  const std::vector<std::string> pair{path("a/config"), path("b/credentials")};
  constexpr int kWriters = 8;
  constexpr int kRoundsEach = 5;
  pid_t reader = fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    RealFileSystem disk;
    // Exit 2: a read failed (its message on stderr); exit 1: a read saw the two files disagree.
    for (int i = 0; i < 400; ++i) {
      auto read = disk.read_files(pair, {});
      if (!read) {
        std::fprintf(stderr, "read %d failed: %s\n", i, read.message().c_str());
        _exit(2);
      }
      if ((*read)[0].bytes != (*read)[1].bytes) _exit(1);
    }
    _exit(0);
  }
  expect_processes_succeed(kWriters, [&](int w) {
    RealFileSystem disk;
    for (int r = 0; r < kRoundsEach; ++r) {
      Status s = update_files(disk, pair, [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
        std::string line = "w" + std::to_string(w) + "r" + std::to_string(r) + "\n";
        usleep(500);
        return std::vector<std::string>{current[0].bytes + line, current[1].bytes + line};
      });
      if (!s) return false;
    }
    return true;
  });
  int status = 0;
  waitpid(reader, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "the reader did not exit normally";
  EXPECT_NE(WEXITSTATUS(status), 1) << "a reader saw the two files disagree";
  EXPECT_NE(WEXITSTATUS(status), 2) << "a read failed (its message is above)";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string config = slurp(pair[0]);
  EXPECT_EQ(config, slurp(pair[1]));
  for (int w = 0; w < kWriters; ++w)
    for (int r = 0; r < kRoundsEach; ++r)
      EXPECT_NE(config.find("w" + std::to_string(w) + "r" + std::to_string(r) + "\n"), std::string::npos);
  EXPECT_TRUE(leftovers().empty());
}

TEST(MemoryFileSystem, UpdateWritesOnlyChangedFilesAndStopsOnError) {
  MemoryFileSystem memory;
  memory.put("a", "1");
  memory.put("b", "2");
  ASSERT_TRUE(update_files(memory, {"a", "b"}, [](const std::vector<FileContent>& c) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{c[0].bytes + "x", c[1].bytes};
  }));
  EXPECT_EQ(memory.files().at("a"), "1x");
  memory.fail_writes(true);
  Status s = update_files(memory, {"a"}, [](const std::vector<FileContent>&) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"changed"};
  });
  EXPECT_FALSE(s);
  EXPECT_EQ(memory.files().at("a"), "1x");
  memory.make_unreadable("b");
  EXPECT_FALSE(update_files(memory, {"b"}, [](const std::vector<FileContent>&) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{""};
  }));
  EXPECT_FALSE(update_files(memory, {"missing"}, [](const std::vector<FileContent>&) -> Result<std::vector<std::string>> {
    return Result<std::vector<std::string>>::error("refused");
  }));
  EXPECT_EQ(memory.files().count("missing"), 0u);
}

}  // namespace file_system_test
}  // namespace awsprof
