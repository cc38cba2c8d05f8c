// The CLI cache: keys checked against the real botocore (run with python3 at test time), and the
// cache files read and written.
#include "awsprof/credentials/credential_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

namespace awsprof {
namespace credential_cache_test {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  return ::pclose(pipe) == 0 ? out : "";
}

// The cases, as both this test and the Python script read them.
const json kRoleCases = json::parse(R"([
  {"RoleArn": "arn:aws:iam::123456789012:role/A"},
  {"RoleArn": "arn:aws:iam::123456789012:role/A", "RoleSessionName": "sess"},
  {"RoleArn": "arn:aws:iam::123456789012:role/A", "RoleSessionName": "", "ExternalId": "ext"},
  {"RoleArn": "arn:r", "ExternalId": "quote\" back\\ tab\t nl\n ctl\u0001 del\u007f",
   "SerialNumber": "arn:aws:iam::1:mfa/me", "DurationSeconds": 3600},
  {"RoleArn": "arn:r", "ExternalId": "caf\u00e9 \u2603 \ud83d\ude00", "RoleSessionName": "s"}
])");

const json kSsoCases = json::parse(R"([
  {"start_url": "https://d-123.awsapps.com/start", "account_id": "123456789012", "role_name": "Admin"},
  {"start_url": "https://d-123.awsapps.com/start", "account_id": "123456789012", "role_name": "Admin",
   "session": "corp"}
])");

// Python that builds the real botocore fetchers and prints their cache keys, one per line.
// botocore: the AWS CLI v2's own copy (awscli.botocore, Debian's awscli package) if present, else
// the python3 botocore package. Both build the key the same way (checked: botocore 1.43 and the
// copy in aws-cli 2.9.19).
std::vector<std::string> botocore_keys(const fs::path& dir) {
  const fs::path script = dir / "keys.py";
  std::ofstream(script) << R"PY(
import json, sys
sys.path.append('/usr/lib/python3/dist-packages')
try:
    from awscli.botocore.credentials import AssumeRoleCredentialFetcher, SSOCredentialFetcher
except Exception:
    from botocore.credentials import AssumeRoleCredentialFetcher, SSOCredentialFetcher
roles, ssos = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print('#' + sys.modules[AssumeRoleCredentialFetcher.__module__].__file__)
for args in roles:
    extra = {k: v for k, v in args.items() if k != 'RoleArn'}
    f = AssumeRoleCredentialFetcher(client_creator=None, source_credentials=None,
                                    role_arn=args['RoleArn'], extra_args=extra)
    print(f._cache_key)
for c in ssos:
    f = SSOCredentialFetcher(c['start_url'], 'us-east-1', c['role_name'], c['account_id'],
                             client_creator=None, sso_session_name=c.get('session'))
    print(f._cache_key)
)PY";
  std::ofstream(dir / "roles.json") << kRoleCases.dump();
  std::ofstream(dir / "ssos.json") << kSsoCases.dump();
  const std::string args = " " + script.string() + " " + (dir / "roles.json").string() + " " +
                           (dir / "ssos.json").string() + " 2>/dev/null";
  // Debian's python3 first: it has the AWS CLI v2's botocore (awscli.botocore).
  std::string out = run("/usr/bin/python3" + args);
  if (out.empty()) out = run("python3" + args);
  std::vector<std::string> keys;
  std::size_t start = 0;
  for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (out[start] == '#')
      std::cout << "[credential-cache] keys computed with " << out.substr(start + 1, nl - start - 1) << "\n";
    else
      keys.push_back(out.substr(start, nl - start));
  }
  return keys;
}

class CacheDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/awsprof-cache-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CacheDir, KeysMatchBotocore) {
  const std::vector<std::string> expected = botocore_keys(dir_);
  if (expected.size() != kRoleCases.size() + kSsoCases.size())
    GTEST_SKIP() << "python3 with botocore is not available";
  for (std::size_t i = 0; i < kRoleCases.size(); ++i) {
    const json& c = kRoleCases[i];
    AssumeRoleStep step;
    step.role_arn = c["RoleArn"];
    if (c.contains("RoleSessionName")) step.role_session_name = c["RoleSessionName"];
    if (c.contains("ExternalId")) step.external_id = c["ExternalId"];
    if (c.contains("SerialNumber")) step.mfa_serial = c["SerialNumber"];
    if (c.contains("DurationSeconds")) step.duration_seconds = c["DurationSeconds"].get<long long>();
    EXPECT_EQ(assume_role_cache_key(step), expected[i]) << c.dump();
  }
  for (std::size_t i = 0; i < kSsoCases.size(); ++i) {
    const json& c = kSsoCases[i];
    SsoStep step;
    step.sso_start_url = c["start_url"];
    step.sso_account_id = c["account_id"];
    step.sso_role_name = c["role_name"];
    if (c.contains("session")) step.sso_session = c["session"].get<std::string>();
    EXPECT_EQ(sso_role_cache_key(step), expected[kRoleCases.size() + i]) << c.dump();
  }
}

TEST(CredentialCache, PythonJsonEscaping) {
  EXPECT_EQ(python_json_string("a\"b\\c\n\x01\x7f"), R"("a\"b\\c\n\u0001\u007f")");
  EXPECT_EQ(python_json_string("caf\xc3\xa9 \xf0\x9f\x98\x80"), R"("caf\u00e9 \ud83d\ude00")");
}

TEST(CredentialCache, SsoTokenFileNames) {
  SsoStep legacy;
  legacy.sso_start_url = "https://ssotest.awsapps.com/start";
  EXPECT_EQ(sso_token_cache_key(legacy), "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12");
  SsoStep session;
  session.sso_session = "dev";
  EXPECT_EQ(sso_token_cache_key(session), "34c6fceca75e456f25e7e99531e2425c6c1de443");
}

TEST_F(CacheDir, WritesA0600FileTheCliFormatAndReadsItBack) {
  RealFileSystem disk;
  const auto now = std::chrono::system_clock::now();
  const std::string cache = (dir_ / "cli" / "cache").string();
  CachedCredentials entry{{"ASIAKEY", "secret", "token"}, std::chrono::floor<std::chrono::seconds>(now + 1h)};
  ASSERT_TRUE(write_cached_credentials(disk, cache, "abc", entry));
  struct stat st {};
  ASSERT_EQ(::stat((cache + "/abc.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(cache + "/abc.json");
  json written = json::parse(in);
  EXPECT_EQ(written["Credentials"]["AccessKeyId"], "ASIAKEY");
  EXPECT_EQ(written["Credentials"]["Expiration"], format_expiration_time(entry.expiration));
  auto back = read_cached_credentials(disk, cache, "abc", now);
  ASSERT_TRUE(back) << back.message();
  ASSERT_TRUE(*back);
  EXPECT_EQ((*back)->credentials.secret_access_key, "secret");
  EXPECT_EQ((*back)->expiration, entry.expiration);
  // Within the CLI's 15-minute window it is stale; a missing entry is no entry.
  auto stale = read_cached_credentials(disk, cache, "abc", now + 50min);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  auto missing = read_cached_credentials(disk, cache, "nope", now);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

// The AWS CLI's own reader (botocore's fetcher over a JSONFileCache, as awscli's assumerole.py sets
// it up) takes an entry awsprof wrote: same file name, same format. (A fetcher without a client
// can answer only from the cache.)
TEST_F(CacheDir, BotocoreReadsAnEntryAwsprofWrote) {
  RealFileSystem disk;
  AssumeRoleStep step;
  step.role_arn = "arn:aws:iam::123456789012:role/A";
  step.role_session_name = "sess";
  const auto expiration = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() + 2h);
  ASSERT_TRUE(write_cached_credentials(disk, dir_.string(), assume_role_cache_key(step),
                                       CachedCredentials{{"ASIAWRITTEN", "secret", "token"}, expiration}));
  const fs::path script = dir_ / "read.py";
  std::ofstream(script) << R"PY(
import sys
sys.path.append('/usr/lib/python3/dist-packages')
try:
    from awscli.botocore.credentials import AssumeRoleCredentialFetcher, JSONFileCache
except Exception:
    from botocore.credentials import AssumeRoleCredentialFetcher, JSONFileCache
f = AssumeRoleCredentialFetcher(client_creator=None, source_credentials=None,
                                role_arn='arn:aws:iam::123456789012:role/A',
                                extra_args={'RoleSessionName': 'sess'}, cache=JSONFileCache(sys.argv[1]))
print(f.fetch_credentials()['access_key'])
)PY";
  const std::string args = " " + script.string() + " " + dir_.string() + " 2>/dev/null";
  std::string out = run("/usr/bin/python3" + args);
  if (out.empty()) out = run("python3" + args);
  if (out.empty()) GTEST_SKIP() << "python3 with botocore is not available";
  EXPECT_EQ(out, "ASIAWRITTEN\n");
}

TEST(CredentialCache, ReadsTheClisOwnFormatAndRefusesJunk) {
  MemoryFileSystem disk;
  disk.put("/c/k.json", R"({"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T",
    "Expiration": "2999-08-23T03:11:51UTC"}, "AssumedRoleUser": {"Arn": "x"}})");
  auto got = read_cached_credentials(disk, "/c", "k", std::chrono::system_clock::now());
  ASSERT_TRUE(got) << got.message();
  ASSERT_TRUE(*got);
  EXPECT_EQ((*got)->credentials.access_key_id, "A");
  disk.put("/c/bad.json", R"({"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "SECRETX"}})");
  auto bad = read_cached_credentials(disk, "/c", "bad", std::chrono::system_clock::now());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("/c/bad.json"), std::string::npos);
  EXPECT_EQ(bad.message().find("SECRETX"), std::string::npos);
}

}  // namespace credential_cache_test
}  // namespace awsprof
