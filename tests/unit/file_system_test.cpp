#include "awsprof/file_system.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "awsprof/document.hpp"

namespace awsprof {
namespace {

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

// Several processes each add their own key under the lock; none may be lost.
TEST_F(RealFileSystemTest, ConcurrentWritersLoseNothing) {
  const std::string file = path("config");
  constexpr int kWriters = 8;
  constexpr int kRoundsEach = 5;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      RealFileSystem disk;
      for (int r = 0; r < kRoundsEach; ++r) {
        Status s = update_files(disk, {file}, [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
          Document doc = Document::parse(current[0].bytes);
          Status set = doc.set_property({"profile", "w" + std::to_string(w)}, "k" + std::to_string(r), "v");
          if (!set) return Result<std::vector<std::string>>::error(set.message());
          usleep(1000);  // widen the window a lost update would need
          return std::vector<std::string>{doc.text()};
        });
        if (!s) _exit(1);
      }
      _exit(0);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Document result = Document::parse(slurp(file));
  for (int w = 0; w < kWriters; ++w) {
    const SectionRange* section = result.find_section({"profile", "w" + std::to_string(w)});
    ASSERT_NE(section, nullptr) << "writer " << w << " lost";
    for (int r = 0; r < kRoundsEach; ++r)
      EXPECT_NE(result.find_property(*section, "k" + std::to_string(r)), nullptr) << "w" << w << " k" << r;
  }
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

}  // namespace
}  // namespace awsprof
