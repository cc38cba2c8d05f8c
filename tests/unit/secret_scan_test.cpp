#include "awsprof/secret_scan.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace awsprof {
namespace {

// Not real keys: base32 ids and random-looking secrets made up for these tests.
constexpr const char* kKeyId = "AKIA2MOCKMOCKMOCKQ3Z";
constexpr const char* kSecret = "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";

SecretScanner make_scanner(ScanOptions options = {}, OwnCredentials own = {}) {
  auto scanner = SecretScanner::create(options, std::move(own));
  EXPECT_TRUE(scanner.ok()) << (scanner.ok() ? "" : scanner.message());
  return std::move(*scanner);
}

std::vector<SecretFinding> scan(std::string_view text, ScanOptions options = {}) {
  return make_scanner(options).scan_buffer("f.txt", text);
}

std::string token(std::size_t length) {
  std::string value = "IQoJb3JpZ2luX2VjEJr";
  while (value.size() < length) value += "aB3/+x9Q";
  return value.substr(0, length);
}

TEST(SecretScan, FindsKeyIdWithLineAndColumnAndMasks) {
  auto findings = scan(std::string("first line\n  key = \"") + kKeyId + "\"\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].column, 10);
  EXPECT_EQ(findings[0].kind, SecretKind::access_key_id);
  EXPECT_EQ(findings[0].masked, "****************KQ3Z");
  EXPECT_EQ(findings[0].masked.find("AKIA"), std::string::npos);
}

TEST(SecretScan, FindsEveryKeyIdPrefix) {
  for (const char* prefix : {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3TX"}) {
    std::string text = std::string("id: ") + prefix + "2MOCKMOCKMOCKQ3Z\n";
    EXPECT_EQ(scan(text).size(), 1u) << prefix;
  }
}

TEST(SecretScan, IgnoresKeyIdLookAlikes) {
  EXPECT_TRUE(scan("AKIA2MOCKMOCKMOCKQ3\n").empty());                        // 19 characters
  EXPECT_TRUE(scan("AKIA2MOCKMOCKMOCKQ3ZZ\n").empty());                      // 21 characters
  EXPECT_TRUE(scan("ABIA2MOCKMOCKMOCKQ3Z\n").empty());                       // wrong prefix
  EXPECT_TRUE(scan("akia2mockmockmockq3z\n").empty());                       // lowercase
  EXPECT_TRUE(scan("AKIA2MOCKMOCKMOCK01Z\n").empty());                       // 0 and 1 are not base32
  EXPECT_TRUE(scan("QQQQAKIA2MOCKMOCKMOCKQ3ZQQQQ\n").empty());               // inside a longer run
  EXPECT_TRUE(scan("xAKIA2MOCKMOCKMOCKQ3Z\n").empty());                      // glued to a word
  EXPECT_TRUE(scan("AKIAIOSFODNN7EXAMPLE AKIAI44QH8DHBEXAMPLE\n").empty());  // documented examples
}

TEST(SecretScan, FindsSecretNextToItsName) {
  for (std::string line :
       {std::string("aws_secret_access_key = ") + kSecret,
        std::string("\"SecretAccessKey\": \"") + kSecret + "\",",
        std::string("export AWS_SECRET_ACCESS_KEY=") + kSecret, std::string("secret_key: '") + kSecret + "'",
        std::string("<SecretAccessKey>") + kSecret + "</SecretAccessKey>",
        std::string("access_key=") + kSecret}) {
    auto findings = scan(line + "\n");
    ASSERT_EQ(findings.size(), 1u) << line;
    EXPECT_EQ(findings[0].kind, SecretKind::secret_access_key);
    EXPECT_EQ(findings[0].masked, "****************Tr0B");
    EXPECT_EQ(line.substr(static_cast<std::size_t>(findings[0].column - 1), 40), kSecret);
  }
}

TEST(SecretScan, IgnoresSecretLookAlikes) {
  EXPECT_TRUE(scan(std::string("checksum = ") + kSecret + "\n").empty());  // no secret/access name
  EXPECT_TRUE(scan(std::string("secret = ") + kSecret + "x\n").empty());   // 41 characters
  EXPECT_TRUE(scan("access_hash = 0123456789abcdef0123456789abcdef01234567\n").empty());  // hex
  EXPECT_TRUE(scan("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").empty());
}

TEST(SecretScan, FindsLongSessionTokens) {
  auto findings = scan("aws_session_token = " + token(300) + "\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, SecretKind::session_token);
  EXPECT_EQ(findings[0].masked, "****************" + token(300).substr(296));
  EXPECT_TRUE(scan("aws_session_token = " + token(80) + "\n").empty());  // too short for a token
  EXPECT_EQ(scan("SecurityToken: \"" + token(200) + "\"\n").size(), 1u);
}

TEST(SecretScan, AccountIdsOnlyWhenAsked) {
  const std::string text = "account_id = 210987654321\nrole = arn:aws:iam::210987654321:role/x\n";
  EXPECT_TRUE(scan(text).empty());
  ScanOptions options;
  options.account_ids = true;
  auto findings = scan(text, options);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].kind, SecretKind::account_id);
  EXPECT_EQ(findings[1].line, 2);
  EXPECT_TRUE(scan("account_id = 123456789012\n", options).empty());   // documentation example
  EXPECT_TRUE(scan("account_id = 2109876543210\n", options).empty());  // 13 digits
}

TEST(SecretScan, OwnCredentialsAreFoundByHashAndTheTextIsWiped) {
  std::string file = std::string("[default]\naws_access_key_id = ") + kKeyId +
                     "\naws_secret_access_key = " + kSecret +
                     "\n[profile work]\naws_session_token = " + token(150) + "\n";
  OwnCredentials own = OwnCredentials::from_file_text(file);
  EXPECT_TRUE(file.empty());
  ASSERT_EQ(own.entries().size(), 3u);
  EXPECT_EQ(own.entries()[2].profile, "work");
  SecretScanner scanner = make_scanner({}, std::move(own));
  // The secret alone, with no name next to it, and the token inside JSON.
  auto findings = scanner.scan_buffer(
      "x.json", std::string("[\"") + kSecret + "\", \"" + token(150) + "\", \"" + kKeyId + "\"]\n");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0].own_profile, "default");
  EXPECT_EQ(findings[0].kind, SecretKind::secret_access_key);
  EXPECT_EQ(findings[1].own_profile, "work");
  EXPECT_EQ(findings[2].own_profile, "default");
  auto diagnostics = to_diagnostics(findings);
  EXPECT_EQ(diagnostics[0].rule_id, kRuleScanOwnCredential);
  EXPECT_EQ(diagnostics[0].message.find(kSecret), std::string::npos);
  // A longer run that contains the secret is not the secret.
  EXPECT_TRUE(scanner.scan_buffer("y", std::string("zz") + kSecret + "\n").empty());
}

TEST(SecretScan, ExampleKeysAreNotOwnCredentials) {
  std::string file = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n";
  EXPECT_TRUE(OwnCredentials::from_file_text(file).empty());
}

TEST(SecretScan, DiagnosticsNeverHoldTheSecret) {
  auto diagnostics = to_diagnostics(scan(std::string("secret: ") + kSecret + "\n" + kKeyId + "\n"));
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[0].rule_id, kRuleScanSecretAccessKey);
  EXPECT_EQ(diagnostics[1].rule_id, kRuleScanAccessKeyId);
  for (const Diagnostic& d : diagnostics) {
    EXPECT_EQ(d.message.find(kSecret), std::string::npos);
    EXPECT_EQ(d.message.find(kKeyId), std::string::npos);
    EXPECT_EQ(d.severity, Severity::error);
  }
}

TEST(SecretScan, BinaryMeansNulInTheFirst8000Bytes) {
  EXPECT_TRUE(looks_binary(std::string("ab\0cd", 5)));
  EXPECT_FALSE(looks_binary("plain text"));
  EXPECT_FALSE(looks_binary(std::string(8000, 'a') + std::string(1, '\0')));
}

TEST(Gitignore, MatchesLikeGitForCommonPatterns) {
  auto rules =
      GitignoreRules::parse("# comment\n*.log\n/build/\ndocs/*.tmp\n!keep.log\nnode_modules\n**/cache\n");
  EXPECT_TRUE(rules.ignored("a.log", false));
  EXPECT_TRUE(rules.ignored("src/deep/a.log", false));
  EXPECT_FALSE(rules.ignored("keep.log", false));
  EXPECT_TRUE(rules.ignored("build", true));
  EXPECT_FALSE(rules.ignored("build", false));  // directory-only pattern
  EXPECT_TRUE(rules.ignored("build/x.c", false));
  EXPECT_FALSE(rules.ignored("src/build/x.c", false));  // anchored to the root
  EXPECT_TRUE(rules.ignored("docs/a.tmp", false));
  EXPECT_FALSE(rules.ignored("docs/sub/a.tmp", false));
  EXPECT_TRUE(rules.ignored("x/node_modules/y.js", false));
  EXPECT_TRUE(rules.ignored("a/b/cache", true));
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/awsprof-scan-test-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(path_ + "/" + name).parent_path());
    std::ofstream(path_ + "/" + name, std::ios::binary) << text;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path_ + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  std::string path_;
};

TEST(SecretScan, DirectoryWalkHonoursGitignoreAndSkipsBinaries) {
  TempDir dir;
  dir.write(".gitignore", "ignored/\n*.bak\n");
  dir.write("src/a.py", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("ignored/b.py", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("c.bak", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("d.bin", std::string("\0\0", 2) + kKeyId);
  auto files = list_scan_files(dir.path());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);  // .gitignore, d.bin, src/a.py
  auto report = make_scanner().scan_files(*files);
  EXPECT_EQ(report.files_binary, 1u);
  EXPECT_EQ(report.files_scanned, 2u);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].path, dir.path() + "/src/a.py");
  EXPECT_EQ(report.findings[0].column, 8);
}

TEST(SecretScan, ParallelScanKeepsInputOrder) {
  TempDir dir;
  std::vector<std::string> paths;
  for (int i = 0; i < 40; ++i) {
    std::string name = "f" + std::to_string(100 + i) + ".txt";
    dir.write(name, std::string(static_cast<std::size_t>(i) * 1000, 'x') + "\n" + kKeyId + "\n");
    paths.push_back(dir.path() + "/" + name);
  }
  ScanOptions options;
  options.threads = 2;
  auto report = make_scanner(options).scan_files(paths);
  ASSERT_EQ(report.findings.size(), 40u);
  for (std::size_t i = 0; i < paths.size(); ++i) EXPECT_EQ(report.findings[i].path, paths[i]);
}

TEST(SecretScan, MissingFileIsAnErrorNotAFinding) {
  auto report = make_scanner().scan_files({"/nonexistent/awsprof/file"});
  EXPECT_TRUE(report.findings.empty());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("/nonexistent/awsprof/file: "), std::string::npos);
}

int git(const std::string& dir, const std::string& args) {
  return std::system(
      ("git -C '" + dir + "' -c user.name=t -c user.email=t@t " + args + " >/dev/null 2>&1").c_str());
}

TEST(SecretScan, StagedScansTheIndexNotTheWorkTree) {
  TempDir dir;
  ASSERT_EQ(git(dir.path(), "init -q"), 0);
  dir.write("a.txt", std::string("id = ") + kKeyId + "\n");
  dir.write("clean.txt", "nothing here\n");
  ASSERT_EQ(git(dir.path(), "add a.txt clean.txt"), 0);
  dir.write("a.txt", "fixed in the work tree only\n");  // the index still has the key
  auto report = make_scanner().scan_staged(dir.path());
  ASSERT_TRUE(report.ok()) << report.message();
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].path, "a.txt");
  EXPECT_EQ(report->files_scanned, 2u);
  // After a commit, only what is newly staged counts.
  ASSERT_EQ(git(dir.path(), "commit -q --no-verify -m one"), 0);
  auto after = make_scanner().scan_staged(dir.path());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->files_scanned, 0u);
}

TEST(SecretScan, StagedOutsideGitIsAnError) {
  TempDir dir;
  auto report = make_scanner().scan_staged(dir.path());
  EXPECT_FALSE(report.ok());
}

TEST(SecretScan, InstallHookRefusesToOverwriteADifferentHook) {
  TempDir dir;
  ASSERT_EQ(git(dir.path(), "init -q"), 0);
  auto first = install_pre_commit_hook(dir.path(), false);
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(first->action, HookAction::installed);
  struct stat st {};
  ASSERT_EQ(::stat(first->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_EQ(install_pre_commit_hook(dir.path(), false)->action, HookAction::unchanged);
  dir.write(".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
  EXPECT_FALSE(install_pre_commit_hook(dir.path(), false).ok());
  EXPECT_EQ(install_pre_commit_hook(dir.path(), true)->action, HookAction::replaced);
}

TEST(SecretScan, InstallHookForceKeepsEveryReplacedHook) {
  TempDir dir;
  ASSERT_EQ(git(dir.path(), "init -q"), 0);
  const std::string hook = dir.path() + "/.git/hooks/pre-commit";
  dir.write(".git/hooks/pre-commit", "#!/bin/sh\necho first\n");
  ASSERT_EQ(::chmod(hook.c_str(), 0750), 0);
  auto replaced = install_pre_commit_hook(dir.path(), true);
  ASSERT_TRUE(replaced.ok()) << replaced.message();
  EXPECT_EQ(replaced->action, HookAction::replaced);
  EXPECT_EQ(replaced->backup_path, hook + ".awsprof-backup");
  EXPECT_EQ(dir.read(".git/hooks/pre-commit.awsprof-backup"), "#!/bin/sh\necho first\n");
  struct stat st {};
  ASSERT_EQ(::stat(replaced->backup_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
  // A second forced install over another hook keeps the first backup and adds a second one.
  dir.write(".git/hooks/pre-commit", "#!/bin/sh\necho second\n");
  auto again = install_pre_commit_hook(dir.path(), true);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->backup_path, hook + ".awsprof-backup.2");
  EXPECT_EQ(dir.read(".git/hooks/pre-commit.awsprof-backup"), "#!/bin/sh\necho first\n");
  EXPECT_EQ(dir.read(".git/hooks/pre-commit.awsprof-backup.2"), "#!/bin/sh\necho second\n");
  EXPECT_EQ(dir.read(".git/hooks/pre-commit"), std::string(pre_commit_hook_script()));
}

}  // namespace
}  // namespace awsprof
