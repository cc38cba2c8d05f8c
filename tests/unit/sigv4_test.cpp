// SigV4 signer tests: inline unit tests, then the peer suites read at test time from
// AWSPROF_SHARED_DIR/peer-tests/sigv4 (see peer-tests/SOURCES.md, section sigv4):
//   - aws-c-auth v4: every case folder, header AND query signing; canonical request, string to
//     sign, signature and signed request each compared with the file.
//   - smithy-rs-extra: double-encode-path and double-url-encode.
//   - botocore aws4_testsuite: all 34 cases; .creq, .sts, .authz and .sreq compared.
// SigV4a (aws-c-auth v4a/, ECDSA P-256, randomised signatures) is out of scope: awsprof implements
// HMAC-SHA256 SigV4 only, so the v4a folders are counted but not run.
// An artefact that cannot match is listed with its reason in tests/conformance/sigv4-exceptions.txt;
// the list is printed, and an exception that starts matching fails the test (it must be removed).
#include "awsprof/net/sigv4.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace awsprof {
namespace sigv4_test {

namespace fs = std::filesystem;
using std::chrono::seconds;

const fs::path kSigV4Dir = fs::path(AWSPROF_SHARED_DIR) / "peer-tests" / "sigv4";
const fs::path kExceptionsFile =
    fs::path(AWSPROF_SOURCE_DIR) / "tests" / "conformance" / "sigv4-exceptions.txt";

constexpr std::string_view kExampleKeyId = "AKIDEXAMPLE";
constexpr std::string_view kExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::chrono::system_clock::time_point at(std::string_view text) {
  auto t = parse_amz_date(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : std::chrono::system_clock::time_point{};
}

// ---------------------------------------------------------------------------------------------
// Inline unit tests
// ---------------------------------------------------------------------------------------------

HttpRequest vanilla_get() {
  return HttpRequest{"GET", "/", {{"Host", "example.amazonaws.com"}}, ""};
}

SigningParams example_params() {
  SigningParams p;
  p.region = "us-east-1";
  p.service = "service";
  p.time = at("20150830T123600Z");
  return p;
}

Credentials example_credentials() {
  return {std::string(kExampleKeyId), std::string(kExampleSecret), ""};
}

TEST(SigV4, HexSha256MatchesKnownDigests) {
  EXPECT_EQ(hex_sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SigV4, AmzDateRoundTripsBothFormats) {
  EXPECT_EQ(amz_date(at("2015-08-30T12:36:00Z")), "20150830T123600Z");
  EXPECT_EQ(amz_date(at("20210511T154045Z")), "20210511T154045Z");
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00").ok());
  EXPECT_FALSE(parse_amz_date("20150230T123600Z").ok());  // no 30 February
  EXPECT_FALSE(parse_amz_date("20150830T246000Z").ok());
  EXPECT_FALSE(parse_amz_date("").ok());
}

TEST(SigV4, SignsVanillaGetInHeaders) {
  auto r = sign(vanilla_get(), example_credentials(), example_params());
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  ASSERT_EQ(r->request.headers.size(), 3u);
  EXPECT_EQ(r->request.headers[1], (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
  EXPECT_EQ(r->request.headers[2].first, "Authorization");
}

TEST(SigV4, ReplacesExistingSigningHeadersInPlace) {
  HttpRequest req = vanilla_get();
  req.headers.insert(req.headers.begin(), {"authorization", "stale"});
  req.headers.emplace_back("x-amz-date", "19990101T000000Z");
  req.headers.emplace_back("X-AMZ-DATE", "duplicate");
  auto signed_req = sign_headers(req, example_credentials(), example_params());
  ASSERT_TRUE(signed_req.ok()) << signed_req.message();
  ASSERT_EQ(signed_req->headers.size(), 3u);
  EXPECT_EQ(signed_req->headers[0].first, "authorization");
  EXPECT_NE(signed_req->headers[0].second.find("Signature=5fa00fa3"), std::string::npos);
  EXPECT_EQ(signed_req->headers[2], (std::pair<std::string, std::string>{"x-amz-date", "20150830T123600Z"}));
}

TEST(SigV4, DoesNotSignUserAgentOrTraceHeaders) {
  HttpRequest req = vanilla_get();
  req.headers.emplace_back("User-Agent", "curl/7.88.1");
  req.headers.emplace_back("X-Amzn-Trace-Id", "Root=1-abc");
  auto r = sign(req, example_credentials(), example_params());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->canonical_request.find("user-agent"), std::string::npos);
  EXPECT_NE(r->canonical_request.find("\nhost;x-amz-date\n"), std::string::npos);
}

TEST(SigV4, S3PathIsEncodedOnceAndNotNormalized) {
  SigningParams p = example_params();
  p.service = "s3";
  p.normalize_path = false;
  p.double_url_encode = false;
  HttpRequest req = vanilla_get();
  req.path = "/bucket//my%2fkey/a b/../c";
  auto r = sign(req, example_credentials(), p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->canonical_request.substr(0, r->canonical_request.find('\n', 4)),
            "GET\n/bucket//my%2Fkey/a%20b/../c");
  p.double_url_encode = true;
  r = sign(req, example_credentials(), p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->canonical_request.substr(0, r->canonical_request.find('\n', 4)),
            "GET\n/bucket//my%252fkey/a%20b/../c");
}

TEST(SigV4, QuerySigningAppendsToExistingQueryAndHonoursPayloadHash) {
  SigningParams p = example_params();
  p.payload_hash = "UNSIGNED-PAYLOAD";
  p.expires = seconds(60);
  HttpRequest req = vanilla_get();
  req.path = "/key?x-id=GetObject";
  p.location = SignatureLocation::query;
  auto r = sign(req, example_credentials(), p);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->canonical_request.substr(r->canonical_request.rfind('\n') + 1), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(r->request.path.rfind("/key?x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&", 0), 0u);
  EXPECT_NE(r->request.path.find("&X-Amz-Expires=60&X-Amz-Signature=" + r->signature), std::string::npos);
  EXPECT_NE(r->canonical_request.find("\n/key\nX-Amz-Algorithm="), std::string::npos);
  EXPECT_NE(r->canonical_request.find("&x-id=GetObject\n"), std::string::npos);  // sorted: 'X' < 'x'
  req.path = "/key?";
  auto bare = sign_query(req, example_credentials(), p);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->path.rfind("/key?X-Amz-Algorithm=", 0), 0u);
}

TEST(SigV4, RejectsMissingKeysWithoutLeakingTheSecret) {
  Credentials creds = example_credentials();
  creds.access_key_id.clear();
  auto r = sign(vanilla_get(), creds, example_params());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message().find(kExampleSecret), std::string::npos);
  SigningParams p = example_params();
  p.region = "us east 1";
  EXPECT_FALSE(sign(vanilla_get(), example_credentials(), p).ok());
  HttpRequest bad = vanilla_get();
  bad.headers.emplace_back("Bad Name", "x");
  EXPECT_FALSE(sign(bad, example_credentials(), example_params()).ok());
}

TEST(SigV4, ParsesAndWritesHttpRequests) {
  auto r = parse_http_request("POST /a b/?q=1 HTTP/1.1\r\nHost: h\r\nX-Fold:one\r\n  two\r\n\r\nbody\r\n");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->path, "/a b/?q=1");
  ASSERT_EQ(r->headers.size(), 2u);
  EXPECT_EQ(r->headers[0].second, " h");
  EXPECT_EQ(r->headers[1].second, "one\n  two");
  EXPECT_EQ(r->body, "body\r\n");
  EXPECT_EQ(to_http_text(*r), "POST /a b/?q=1 HTTP/1.1\nHost: h\nX-Fold:one\n  two\n\nbody\r\n");
  EXPECT_FALSE(parse_http_request("").ok());
  EXPECT_FALSE(parse_http_request("GET\n").ok());
  EXPECT_FALSE(parse_http_request("GET / HTTP/1.1\nno colon here\n").ok());
  EXPECT_FALSE(parse_http_request("GET / HTTP/1.1\n  continuation first\n").ok());
}

// ---------------------------------------------------------------------------------------------
// Exceptions and tallies
// ---------------------------------------------------------------------------------------------

struct Exception {
  std::string case_id;   // "<suite>/<case>"
  std::string artefact;  // file name without extension, e.g. "header-canonical-request" or "sreq"
  std::string reason;
};

std::vector<Exception> load_exceptions() {
  std::vector<Exception> out;
  const auto text = read_file(kExceptionsFile);
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Exception e;
    fields >> e.case_id >> e.artefact;
    if (!e.artefact.empty() && e.artefact.back() == ':') e.artefact.pop_back();
    std::getline(fields, e.reason);
    e.reason.erase(0, e.reason.find_first_not_of(' '));
    out.push_back(std::move(e));
  }
  return out;
}

const std::vector<Exception>& exceptions() {
  static const std::vector<Exception> list = load_exceptions();
  return list;
}

const Exception* find_exception(const std::string& case_id, const std::string& artefact) {
  for (const auto& e : exceptions())
    if (e.case_id == case_id && e.artefact == artefact) return &e;
  return nullptr;
}

struct Tally {
  int matched = 0;
  int differed = 0;
  int excepted = 0;
};
std::map<std::string, Tally>& tallies() {
  static std::map<std::string, Tally> t;
  return t;
}

std::string suite_of(const std::string& case_id) {
  return case_id.substr(0, case_id.find('/'));
}

/// Compares one artefact with the file's content, unless the exceptions list names it.
void check(const std::string& case_id, const std::string& artefact, const std::string& actual,
           const std::optional<std::string>& expected) {
  Tally& tally = tallies()[suite_of(case_id)];
  if (!expected) {
    ++tally.differed;
    ADD_FAILURE() << case_id << ": missing expected file for " << artefact;
    return;
  }
  if (const Exception* e = find_exception(case_id, artefact)) {
    ++tally.excepted;
    EXPECT_NE(actual, *expected) << case_id << " " << artefact
                                 << " now matches: remove it from sigv4-exceptions.txt";
    std::cout << "[ EXCEPTED ] " << case_id << " " << artefact << ": " << e->reason << "\n";
    return;
  }
  if (actual == *expected) {
    ++tally.matched;
  } else {
    ++tally.differed;
  }
  EXPECT_EQ(actual, *expected) << case_id << " " << artefact;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

/// A request written for comparison where formatting is not the point: request line, then each
/// header "name:value" with the value trimmed (optionally sorted by lowercase name), then the body.
std::string describe(const HttpRequest& r, bool sort_headers) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : r.headers) headers.emplace_back(name, trim(value));
  if (sort_headers) {
    std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) {
      std::string la = a.first, lb = b.first;
      for (auto& c : la) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& c : lb) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return la < lb;
    });
  }
  std::string out = r.method + " " + r.path + "\n";
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  return out + "\n" + r.body;
}

std::optional<std::string> describe_file(const fs::path& path, bool sort_headers) {
  const auto text = read_file(path);
  if (!text) return std::nullopt;
  auto parsed = parse_http_request(*text);
  if (!parsed) return "unparsable: " + parsed.message();
  return describe(*parsed, sort_headers);
}

std::string header_value(const HttpRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return trim(v);
  return "";
}

std::string test_name(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

std::vector<fs::path> case_dirs(const fs::path& root, std::string_view marker_ext) {
  // A case folder is one holding request.txt (aws-c-auth, smithy-rs) or NAME.req (botocore).
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file()) continue;
    const fs::path& p = it->path();
    if (marker_ext.empty() ? p.filename() == "request.txt" : p.extension() == marker_ext)
      out.push_back(p.parent_path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// aws-c-auth v4 (header and query signing)
// ---------------------------------------------------------------------------------------------

struct AwsCAuthCase {
  fs::path dir;
  SignatureLocation location;
};

std::vector<AwsCAuthCase> aws_c_auth_cases() {
  std::vector<AwsCAuthCase> out;
  for (const auto& dir : case_dirs(kSigV4Dir / "aws-c-auth" / "v4", "")) {
    out.push_back({dir, SignatureLocation::headers});
    out.push_back({dir, SignatureLocation::query});
  }
  return out;
}

void PrintTo(const AwsCAuthCase& c, std::ostream* os) {
  *os << c.dir.filename().string() << (c.location == SignatureLocation::headers ? " (header)" : " (query)");
}

class SigV4AwsCAuth : public ::testing::TestWithParam<AwsCAuthCase> {};

TEST_P(SigV4AwsCAuth, MatchesSuite) {
  const auto& [dir, location] = GetParam();
  const std::string case_id = "aws-c-auth/" + dir.filename().string();
  const std::string prefix = location == SignatureLocation::headers ? "header-" : "query-";

  const auto context_text = read_file(dir / "context.json");
  const auto request_text = read_file(dir / "request.txt");
  ASSERT_TRUE(context_text && request_text) << case_id;
  const auto ctx = nlohmann::json::parse(*context_text);
  const auto& c = ctx.at("credentials");
  const Credentials creds{c.at("access_key_id"), c.at("secret_access_key"), c.value("token", "")};
  SigningParams params;
  params.region = ctx.at("region");
  params.service = ctx.at("service");
  params.time = at(ctx.at("timestamp").get<std::string>());
  params.location = location;
  params.normalize_path = ctx.at("normalize");
  params.sign_body = ctx.at("sign_body");
  params.omit_session_token = ctx.value("omit_session_token", false);
  params.expires = seconds(ctx.at("expiration_in_seconds").get<long>());

  auto request = parse_http_request(*request_text);
  ASSERT_TRUE(request.ok()) << request.message();
  auto r = sign(*request, creds, params);
  ASSERT_TRUE(r.ok()) << r.message();

  check(case_id, prefix + "canonical-request", r->canonical_request,
        read_file(dir / (prefix + "canonical-request.txt")));
  check(case_id, prefix + "string-to-sign", r->string_to_sign,
        read_file(dir / (prefix + "string-to-sign.txt")));
  check(case_id, prefix + "signature", r->signature, read_file(dir / (prefix + "signature.txt")));
  check(case_id, prefix + "signed-request", to_http_text(r->request),
        read_file(dir / (prefix + "signed-request.txt")));
}

INSTANTIATE_TEST_SUITE_P(V4, SigV4AwsCAuth, ::testing::ValuesIn(aws_c_auth_cases()), [](const auto& info) {
  return test_name(info.param.dir.filename().string() +
                   (info.param.location == SignatureLocation::headers ? "_header" : "_query"));
});

// ---------------------------------------------------------------------------------------------
// smithy-rs extras (older format, no context.json: the contexts are smithy-rs's, per SOURCES.md)
// ---------------------------------------------------------------------------------------------

struct SmithyCase {
  std::string name;
  Credentials credentials;
  std::string region, service, time;
};

std::vector<SmithyCase> smithy_cases() {
  std::vector<SmithyCase> out;
  for (const auto& dir : case_dirs(kSigV4Dir / "smithy-rs-extra" / "v4", "")) {
    const std::string name = dir.filename().string();
    if (name == "double-encode-path") {
      out.push_back({name,
                     {"ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby", ""},
                     "us-east-1",
                     "service",
                     "20150830T123600Z"});
    } else if (name == "double-url-encode") {
      out.push_back({name, example_credentials(), "us-east-2", "lambda", "20210511T154045Z"});
    } else {
      out.push_back({name, {}, "", "", ""});  // unknown case: the test fails and names it
    }
  }
  return out;
}

void PrintTo(const SmithyCase& c, std::ostream* os) {
  *os << c.name;
}

class SigV4SmithyRsExtra : public ::testing::TestWithParam<SmithyCase> {};

TEST_P(SigV4SmithyRsExtra, MatchesSuite) {
  const SmithyCase& sc = GetParam();
  ASSERT_FALSE(sc.region.empty()) << "no signing context known for smithy-rs case " << sc.name;
  const fs::path dir = kSigV4Dir / "smithy-rs-extra" / "v4" / sc.name;
  const std::string case_id = "smithy-rs/" + sc.name;
  // These files end in a newline that is not part of the canonical request or string to sign.
  const auto read_trimmed = [](const fs::path& p) {
    auto text = read_file(p);
    if (text && !text->empty() && text->back() == '\n') text->pop_back();
    return text;
  };
  const auto request_text = read_file(dir / "request.txt");
  ASSERT_TRUE(request_text);
  auto request = parse_http_request(*request_text);
  ASSERT_TRUE(request.ok()) << request.message();
  SigningParams params;
  params.region = sc.region;
  params.service = sc.service;
  params.time = at(sc.time);
  auto r = sign(*request, sc.credentials, params);
  ASSERT_TRUE(r.ok()) << r.message();

  check(case_id, "header-canonical-request", r->canonical_request,
        read_trimmed(dir / "header-canonical-request.txt"));
  if (fs::exists(dir / "header-string-to-sign.txt")) {
    check(case_id, "header-string-to-sign", r->string_to_sign,
          read_trimmed(dir / "header-string-to-sign.txt"));
  }
  // smithy-rs writes headers in its own order (Host last) and "Authorization: " with a space:
  // compare the request line, the headers as a sorted list with trimmed values, and the body.
  check(case_id, "header-signed-request", describe(r->request, /*sort_headers=*/true),
        describe_file(dir / "header-signed-request.txt", /*sort_headers=*/true));
}

INSTANTIATE_TEST_SUITE_P(V4, SigV4SmithyRsExtra, ::testing::ValuesIn(smithy_cases()),
                         [](const auto& info) { return test_name(info.param.name); });

// ---------------------------------------------------------------------------------------------
// botocore aws4_testsuite (header signing; fixed context)
// ---------------------------------------------------------------------------------------------

std::vector<fs::path> botocore_cases() {
  return case_dirs(kSigV4Dir / "botocore-aws4_testsuite", ".req");
}

/// The session token a botocore case signs with. post-sts-token/readme.txt gives the token of the two
/// post-sts cases (its last line); the suite states none for get-vanilla-with-session-token, which
/// uses the token aws-c-auth's copy of that case lists in its context.json.
std::string botocore_token(const fs::path& dir) {
  const std::string name = dir.filename().string();
  if (dir.parent_path().filename() == "post-sts-token") {
    const auto readme = read_file(dir.parent_path() / "readme.txt");
    if (!readme) return "";
    std::string text = *readme;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text.substr(text.rfind('\n') + 1);
  }
  if (name == "get-vanilla-with-session-token") {
    const auto ctx = read_file(kSigV4Dir / "aws-c-auth" / "v4" / name / "context.json");
    return ctx ? nlohmann::json::parse(*ctx).at("credentials").value("token", "") : "";
  }
  return "";
}

class SigV4Botocore : public ::testing::TestWithParam<fs::path> {};

TEST_P(SigV4Botocore, MatchesSuite) {
  const fs::path& dir = GetParam();
  const std::string name = dir.filename().string();
  const std::string case_id =
      "botocore/" + fs::relative(dir, kSigV4Dir / "botocore-aws4_testsuite").generic_string();
  const auto file = [&](const char* ext) { return dir / (name + ext); };

  const Credentials creds{std::string(kExampleKeyId), std::string(kExampleSecret), botocore_token(dir)};
  if (dir.parent_path().filename() == "post-sts-token" || name == "get-vanilla-with-session-token") {
    ASSERT_FALSE(creds.session_token.empty()) << case_id << ": session token not found";
  }
  SigningParams params = example_params();
  params.omit_session_token = name == "post-sts-header-after";

  const auto request_text = read_file(file(".req"));
  ASSERT_TRUE(request_text);
  auto request = parse_http_request(*request_text);
  ASSERT_TRUE(request.ok()) << request.message();
  auto r = sign(*request, creds, params);
  ASSERT_TRUE(r.ok()) << r.message();

  check(case_id, "creq", r->canonical_request, read_file(file(".creq")));
  check(case_id, "sts", r->string_to_sign, read_file(file(".sts")));
  check(case_id, "authz", header_value(r->request, "Authorization"), read_file(file(".authz")));
  // .sreq writes "Authorization: " with a space and omits the final empty line when there is no
  // body: compare request line, headers in order with trimmed values, and body.
  check(case_id, "sreq", describe(r->request, /*sort_headers=*/false),
        describe_file(file(".sreq"), /*sort_headers=*/false));
}

INSTANTIATE_TEST_SUITE_P(
    Aws4TestSuite, SigV4Botocore, ::testing::ValuesIn(botocore_cases()), [](const auto& info) {
      return test_name(fs::relative(info.param, kSigV4Dir / "botocore-aws4_testsuite").generic_string());
    });

// ---------------------------------------------------------------------------------------------
// Cross-check with a real peer: curl's --aws-sigv4 (Debian 12: curl 7.88)
// ---------------------------------------------------------------------------------------------

/// A one-shot HTTP server on 127.0.0.1 that records the raw request and answers 200.
class CaptureServer {
 public:
  CaptureServer() {
    const LoopbackListener listener = listen_on_loopback(1);
    fd_ = listener.fd;
    port_ = listener.port;
    if (fd_ >= 0) thread_ = std::thread([this] { serve_one(); });
  }
  ~CaptureServer() {
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }
  /// The raw request; valid once the client is done (joins the server thread).
  const std::string& request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void serve_one() {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 10000) != 1) return;
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    std::size_t want = std::string::npos;
    char buf[4096];
    while (request_.size() < want) {
      pollfd cp{client, POLLIN, 0};
      if (::poll(&cp, 1, 10000) != 1) break;
      const ssize_t n = ::read(client, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
      const std::size_t end = request_.find("\r\n\r\n");
      if (want == std::string::npos && end != std::string::npos) {
        std::size_t body = 0;
        if (auto parsed = parse_http_request(request_.substr(0, end + 2)); parsed.ok()) {
          for (const auto& [name, value] : parsed->headers)
            if (name == "Content-Length") body = std::stoul(trim(value));
        }
        want = end + 4 + body;
      }
    }
    static constexpr std::string_view kResponse =
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    [[maybe_unused]] const ssize_t written = ::write(client, kResponse.data(), kResponse.size());
    ::close(client);
  }

  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(SigV4Curl, SignatureMatchesCurlAwsSigv4) {
  if (std::system("curl --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "curl is not installed";
  CaptureServer server;
  ASSERT_NE(server.port(), 0) << "could not listen on 127.0.0.1";
  // curl 7.88 signs the path and query as given: it neither sorts the query nor encodes the path a
  // second time (S3 style, double_url_encode = false). It signs only host, x-amz-date and the -H
  // headers. So the query is given sorted, and awsprof signs the headers curl names.
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/items%20x?a=1&b=x%2Fy";
  const std::string command =
      "curl -s -o /dev/null --max-time 10 --aws-sigv4 aws:amz:us-west-2:execute-api --user '" +
      std::string(kExampleKeyId) + ":" + std::string(kExampleSecret) +
      "' -H 'X-Custom:  a   b ' -d 'Param1=value1' '" + url + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  auto captured = parse_http_request(server.request());
  ASSERT_TRUE(captured.ok()) << captured.message() << "\n" << server.request();
  const std::string curl_authorization = header_value(*captured, "Authorization");
  const std::string date = header_value(*captured, "X-Amz-Date");
  ASSERT_FALSE(curl_authorization.empty() || date.empty()) << server.request();
  const std::size_t sh = curl_authorization.find("SignedHeaders=");
  ASSERT_NE(sh, std::string::npos);
  std::string signed_names = curl_authorization.substr(sh + 14);
  signed_names = ";" + signed_names.substr(0, signed_names.find(',')) + ";";

  HttpRequest request = *captured;
  std::erase_if(request.headers, [&](const auto& h) {
    std::string lower = h.first;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return signed_names.find(";" + lower + ";") == std::string::npos;
  });
  SigningParams params;
  params.region = "us-west-2";
  params.service = "execute-api";
  params.time = at(date);
  params.double_url_encode = false;
  auto ours = sign_headers(request, example_credentials(), params);
  ASSERT_TRUE(ours.ok()) << ours.message();
  EXPECT_EQ(header_value(*ours, "Authorization"), curl_authorization) << server.request();
}

// ---------------------------------------------------------------------------------------------
// Suite completeness, the exceptions list, and the per-suite summary
// ---------------------------------------------------------------------------------------------

TEST(SigV4Suites, HoldEveryExpectedCase) {
  EXPECT_EQ(case_dirs(kSigV4Dir / "aws-c-auth" / "v4", "").size(), 38u) << kSigV4Dir;
  EXPECT_EQ(smithy_cases().size(), 2u);
  EXPECT_EQ(botocore_cases().size(), 34u);
  const auto v4a = case_dirs(kSigV4Dir / "aws-c-auth" / "v4a", "");
  std::cout << "[ NOT RUN  ] aws-c-auth v4a: " << v4a.size()
            << " SigV4a (ECDSA P-256) case folders, out of scope for awsprof\n";
}

TEST(SigV4Exceptions, AreListedWithReasonsAndNameRealCases) {
  ASSERT_TRUE(fs::exists(kExceptionsFile)) << kExceptionsFile;
  std::cout << "SigV4 exceptions (" << kExceptionsFile.filename().string() << "): " << exceptions().size()
            << "\n";
  const std::set<std::string> artefacts = {"header-canonical-request",
                                           "header-string-to-sign",
                                           "header-signature",
                                           "header-signed-request",
                                           "query-canonical-request",
                                           "query-string-to-sign",
                                           "query-signature",
                                           "query-signed-request",
                                           "creq",
                                           "sts",
                                           "authz",
                                           "sreq"};
  for (const auto& e : exceptions()) {
    std::cout << "  " << e.case_id << " " << e.artefact << ": " << e.reason << "\n";
    EXPECT_FALSE(e.reason.empty()) << e.case_id << " " << e.artefact << " has no reason";
    EXPECT_TRUE(artefacts.count(e.artefact)) << "unknown artefact " << e.artefact;
    const std::string suite = suite_of(e.case_id);
    const std::string rest = e.case_id.substr(suite.size() + (suite.size() < e.case_id.size() ? 1 : 0));
    fs::path dir;
    if (suite == "aws-c-auth") dir = kSigV4Dir / "aws-c-auth" / "v4" / rest;
    if (suite == "smithy-rs") dir = kSigV4Dir / "smithy-rs-extra" / "v4" / rest;
    if (suite == "botocore") dir = kSigV4Dir / "botocore-aws4_testsuite" / rest;
    EXPECT_TRUE(!dir.empty() && fs::is_directory(dir)) << "no such case: " << e.case_id;
  }
}

/// After all tests: per-suite counts of passing tests and of compared artefacts.
class SummaryEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    const auto* unit = ::testing::UnitTest::GetInstance();
    bool any = false;
    for (int i = 0; i < unit->total_test_suite_count(); ++i) {
      const auto* suite = unit->GetTestSuite(i);
      const std::string name = suite->name();
      if (name.find("SigV4") == std::string::npos || suite->test_to_run_count() == 0) continue;
      if (!any) std::cout << "SigV4 summary (tests passed / run):\n";
      any = true;
      std::cout << "  " << name << ": " << suite->successful_test_count() << "/" << suite->test_to_run_count()
                << "\n";
    }
    for (const auto& [suite, t] : tallies()) {
      std::cout << "  " << suite << " artefacts: " << t.matched << " matched, " << t.differed << " differed, "
                << t.excepted << " excepted\n";
    }
  }
};

[[maybe_unused]] ::testing::Environment* const kSummary =
    ::testing::AddGlobalTestEnvironment(new SummaryEnvironment);

}  // namespace sigv4_test
}  // namespace awsprof
