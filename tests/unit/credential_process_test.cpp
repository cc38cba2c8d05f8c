// run_credential_process and parse_credential_process_output, with small scripts written to a
// temporary directory.
#include "awsprof/credentials/credential_process.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace awsprof {
namespace credential_process_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::chrono::system_clock::time_point kNow = *parse_expiration_time("2030-01-01T00:00:00Z");

class ProcessDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/awsprof-process-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Writes an executable sh script and returns its path.
  std::string script(const std::string& name, const std::string& body) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0700);
    return path.string();
  }
  ProcessOptions options() const {
    ProcessOptions o;
    o.now = kNow;
    o.timeout = 5s;
    return o;
  }
  fs::path dir_;
};

constexpr const char* kGood =
    R"(echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "procsecretvalue", )"
    R"("SessionToken": "tok", "Expiration": "2031-05-02T18:36:00+00:00", "AccountId": "123"}')"
    "\n";

TEST_F(ProcessDir, ReadsVersionOneJson) {
  auto got = run_credential_process(script("good", kGood), options());
  ASSERT_TRUE(got) << got.message();
  EXPECT_EQ(got->credentials.access_key_id, "AKIDPROC");
  EXPECT_EQ(got->credentials.secret_access_key, "procsecretvalue");
  EXPECT_EQ(got->credentials.session_token, "tok");
  EXPECT_EQ(got->account_id, "123");
  EXPECT_EQ(got->expiration, parse_expiration_time("2031-05-02T18:36:00Z"));
}

TEST_F(ProcessDir, SplitsWithShellQuotingAndRunsWithoutAShell) {
  const std::string path =
      script("with space",
             "printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}' \"$1\" \"$2\"\n");
  auto got = run_credential_process("'" + path + "' \"two words\" 'it'\\''s'", options());
  ASSERT_TRUE(got) << got.message();
  EXPECT_EQ(got->credentials.access_key_id, "two words");
  EXPECT_EQ(got->credentials.secret_access_key, "it's");
  // No shell: the pipe is an argument to echo, so the output is not JSON.
  auto piped = run_credential_process(R"(echo '{"Version": 1}' | cat)", options());
  ASSERT_FALSE(piped);
  EXPECT_NE(piped.message().find("not valid JSON"), std::string::npos);
  EXPECT_FALSE(split_credential_process("echo 'unclosed"));
  EXPECT_FALSE(split_credential_process("   "));
}

TEST_F(ProcessDir, ErrorsNeverQuoteTheOutput) {
  const std::string leak =
      "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s3cr3tLEAK\"'\n";
  for (const std::string& body : {leak + "exit 3\n", leak, std::string("echo s3cr3tLEAK\n")}) {
    auto got = run_credential_process(script("leaky", body), options());
    ASSERT_FALSE(got);
    EXPECT_EQ(got.message().find("s3cr3tLEAK"), std::string::npos) << got.message();
  }
  auto failed = run_credential_process(script("fail", "exit 3\n"), options());
  EXPECT_NE(failed.message().find("status 3"), std::string::npos) << failed.message();
}

TEST_F(ProcessDir, MissingProgramIsAnError) {
  auto got = run_credential_process((dir_ / "nope").string(), options());
  ASSERT_FALSE(got);
  EXPECT_NE(got.message().find("cannot run"), std::string::npos);
}

TEST_F(ProcessDir, KillsOnTimeout) {
  ProcessOptions o = options();
  o.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto got = run_credential_process(script("slow", "exec sleep 30\n"), o);
  ASSERT_FALSE(got);
  EXPECT_NE(got.message().find("did not finish within 300 ms"), std::string::npos) << got.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(ProcessDir, BoundsTheOutput) {
  ProcessOptions o = options();
  o.max_output = 1000;
  auto got = run_credential_process("yes", o);
  ASSERT_FALSE(got);
  EXPECT_NE(got.message().find("more than 1000 bytes"), std::string::npos) << got.message();
}

TEST_F(ProcessDir, StderrCanBeDiscarded) {
  ProcessOptions o = options();
  o.stderr_mode = ProcessStderr::discard;
  std::string body = "echo 'a prompt for the user' >&2\n";
  body += kGood;  // appended, not concatenated: GCC 12 -O2 reports a false -Warray-bounds for the latter
  auto got = run_credential_process(script("noisy", body), o);
  ASSERT_TRUE(got) << got.message();
}

TEST(CredentialProcessOutput, FollowsBotocoreRules) {
  auto parse = [](const std::string& text) { return parse_credential_process_output(text, kNow); };
  EXPECT_TRUE(parse(R"({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s"})"));
  EXPECT_TRUE(parse(R"({"Version": 1.0, "AccessKeyId": "a", "SecretAccessKey": "s", "SessionToken": null})"));
  auto no_version = parse(R"({"AccessKeyId": "a", "SecretAccessKey": "s"})");
  ASSERT_FALSE(no_version);
  EXPECT_NE(no_version.message().find("Version"), std::string::npos);
  auto version_two = parse(R"({"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "s"})");
  ASSERT_FALSE(version_two);
  EXPECT_NE(version_two.message().find("unsupported"), std::string::npos);
  auto no_secret = parse(R"({"Version": 1, "AccessKeyId": "a"})");
  ASSERT_FALSE(no_secret);
  EXPECT_NE(no_secret.message().find("SecretAccessKey"), std::string::npos);
  auto expired = parse(
      R"({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s", "Expiration": "2022-05-02T18:36:00Z"})");
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.message().find("expired"), std::string::npos);
  EXPECT_FALSE(
      parse(R"({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s", "Expiration": "tomorrow"})"));
  EXPECT_FALSE(parse("[1]"));
}

TEST(ExpirationTime, ParsesTheFormsTheCliAccepts) {
  const auto utc = parse_expiration_time("2022-05-02T18:36:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(utc->time_since_epoch()).count(), 1651516560);
  EXPECT_EQ(parse_expiration_time("2022-05-02T18:36:00+00:00"), utc);
  EXPECT_EQ(parse_expiration_time("2022-05-02T18:36:00.123Z"), utc);
  EXPECT_EQ(parse_expiration_time("2022-05-02T18:36:00UTC"), utc);  // the CLI's own cache files
  EXPECT_EQ(parse_expiration_time("2022-05-02T20:36:00+0200"), utc);
  EXPECT_EQ(parse_expiration_time("2022-05-02 18:36:00"), utc);
  EXPECT_EQ(format_expiration_time(*utc), "2022-05-02T18:36:00Z");
  EXPECT_FALSE(parse_expiration_time("2022-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_expiration_time("yesterday"));
  EXPECT_EQ(parse_expiration_time("2999-01-01T00:00:00Z"), std::chrono::system_clock::time_point::max());
}

}  // namespace credential_process_test
}  // namespace awsprof
