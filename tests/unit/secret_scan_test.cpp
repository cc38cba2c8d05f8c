#include "awsprof/checks/secret_scan.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

namespace awsprof {
namespace secret_scan_test {

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

/// Made-up base64 as random as a real key's: a fixed linear congruential sequence.
std::string random_base64(std::size_t length, unsigned seed) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string value;
  std::uint32_t state = seed * 2654435761u + 1;
  while (value.size() < length) {
    state = state * 1664525u + 1013904223u;
    value += kAlphabet[(state >> 24) % 64];
  }
  return value;
}

/// A session token as STS writes them: the issuer field framed, then random base64.
std::string token(std::size_t length) {
  return ("IQoJb3JpZ2luX2VjEJr" + random_base64(length, 7)).substr(0, length);
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
  for (const char* prefix : {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA",
                             "APKA", "ASCA", "A3TX"}) {
    std::string text = std::string("id: ") + prefix + "2MOCKMOCKMOCKQ3Z\n";
    EXPECT_EQ(scan(text).size(), 1u) << prefix;
  }
}

TEST(SecretScan, IgnoresKeyIdLookAlikes) {
  EXPECT_TRUE(scan("AKIA2MOCKMOCKMOCKQ3\n").empty());                        // 19 characters
  EXPECT_TRUE(scan("AKIA2MOCKMOCKMOCKQ3ZZ\n").empty());                      // 21 characters
  EXPECT_TRUE(scan("ABCA2MOCKMOCKMOCKQ3Z\n").empty());                       // wrong prefix
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

// ---- Issue 12: each class of miss and false alarm. Values are made up.

constexpr const char* kSlashSecret = "Qm3/Xw8+Lk2pRt7Yv9Bn/4Hc6Gz1Jd5Fs0Ae+Ui3";  // with '/' and '+'

/// Expects exactly one finding in `text`: of `kind`, on the line and at the column where `raw`
/// (the value as the file writes it) starts, masked to the last 4 characters of `value`.
void expect_found(const std::string& text, SecretKind kind, const std::string& raw, std::string value = {}) {
  if (value.empty()) value = raw;
  auto findings = scan(text);
  ASSERT_EQ(findings.size(), 1u) << text;
  const std::size_t at = text.find(raw);
  ASSERT_NE(at, std::string::npos);
  const std::size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  EXPECT_EQ(findings[0].kind, kind) << text;
  EXPECT_EQ(findings[0].line, 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n')))
      << text;
  EXPECT_EQ(findings[0].column, static_cast<int>(at - line_start) + 1) << text;
  EXPECT_EQ(findings[0].masked, "****************" + value.substr(value.size() - 4)) << text;
}

TEST(SecretScan, FindsSecretAfterAlignedAssignment) {  // terraform fmt, gofmt
  const std::string secret = kSecret;
  expect_found("secret_key                  = \"" + secret + "\"\n", SecretKind::secret_access_key, secret);
  expect_found("\tSecretAccessKey:               \"" + secret + "\",\n", SecretKind::secret_access_key,
               secret);
  expect_found("aws_secret_access_key\t\t\t\t\t\t\t\t\t\t= " + secret + "\n", SecretKind::secret_access_key,
               secret);
}

TEST(SecretScan, FindsSecretWhenTheNameIsNotRightBeforeTheAssignment) {
  const std::string secret = kSecret;
  for (const std::string& text : {
           "var awsSecretAccessKey string = \"" + secret + "\"\n",
           "const secretKey: string = \"" + secret + "\";\n",
           "AWS_SECRET_KEY: Final[str] = '" + secret + "'\n",
           "os.environ[\"AWS_SECRET_ACCESS_KEY\"] = \"" + secret + "\"\n",
           "secret = os.getenv(\"AWS_SECRET_ACCESS_KEY\", \"" + secret + "\")\n",
           "<name>fs.s3a.secret.key</name><value>" + secret + "</value>\n",
           "<property>\n  <name>fs.s3a.secret.key</name>\n  <value>" + secret + "</value>\n</property>\n",
           "<key>AWSSecretKey</key>\n<string>" + secret + "</string>\n",
           "- name: AWS_SECRET_ACCESS_KEY\n  value: \"" + secret + "\"\n",
           "{\"name\": \"AWS_SECRET_ACCESS_KEY\", \"value\": \"" + secret + "\"}\n",
           "<add key=\"AWSSecretKey\" value=\"" + secret + "\" />\n",
           "variable \"aws_secret_key\" {\n  type    = string\n  default = \"" + secret + "\"\n}\n",
           "const key = process.env.AWS_SECRET_ACCESS_KEY || \"" + secret + "\";\n",
           "secret = os.environ.get(\"AWS_SECRET_ACCESS_KEY\") or \"" + secret + "\"\n",
           "      - AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-" + secret + "}\n",
           "val key = System.getenv(\"AWS_SECRET_ACCESS_KEY\") ?: \"" + secret + "\"\n",
       })
    expect_found(text, SecretKind::secret_access_key, secret);
}

TEST(SecretScan, FindsSecretAfterOtherSeparators) {
  const std::string secret = kSecret;
  for (const std::string& text : {
           "aws configure set aws_secret_access_key " + secret + "\n",
           "ENV AWS_SECRET_ACCESS_KEY " + secret + "\n",
           "AWS_SECRET_ACCESS_KEY ?= " + secret + "\n",
           "AWS_SECRET ::= " + secret + "\n",
           "const secretKey = `" + secret + "`\n",
           "Set `AWS_SECRET_ACCESS_KEY` to `" + secret + "`.\n",
           "| Secret access key | " + secret + " |\n",
           "Set-AWSCredential -AccessKey x -SecretKey " + secret + "\n",
           "s3cmd --secret_key=" + secret + " ls\n",
       })
    expect_found(text, SecretKind::secret_access_key, secret);
}

TEST(SecretScan, FindsUnnamedSecretRightAfterAKeyId) {
  const std::string id = kKeyId, secret = kSecret, session = token(400);
  for (const std::string& text : {
           "new BasicAWSCredentials(\"" + id + "\", \"" + secret + "\");\n",
           id + "," + secret + "\n",  // the console's accessKeys.csv
           "ci-bot,," + id + "," + secret + ",https://console.example.com\n",
           "CREDS = (\"" + id + "\",\n         \"" + secret + "\")\n",
           "<username>" + id + "</username>\n<password>" + secret + "</password>\n",
       }) {
    auto findings = scan(text);
    ASSERT_EQ(findings.size(), 2u) << text;
    EXPECT_EQ(findings[0].kind, SecretKind::access_key_id);
    EXPECT_EQ(findings[1].kind, SecretKind::secret_access_key) << text;
  }
  // And the session token after the secret: AwsSessionCredentials.create(id, secret, token).
  auto findings = scan("create(\"" + id + "\", \"" + secret + "\", \"" + random_base64(400, 3) + "\")\n");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[2].kind, SecretKind::session_token);
  // Only the value right after the key id: not one after other words.
  EXPECT_EQ(scan(id + " rotated on Monday " + secret + "\n").size(), 1u);
  EXPECT_EQ(scan("id = " + id + "\nchecksum = " + secret + "\n").size(), 1u);
}

TEST(SecretScan, FindsEscapedAndEncodedValues) {
  const std::string secret = kSlashSecret;
  std::string json_slashes = secret, url = secret;
  for (std::size_t at = 0; (at = json_slashes.find('/', at)) != std::string::npos; at += 2)
    json_slashes.insert(at, "\\");
  for (std::size_t at = 0; (at = url.find_first_of("/+", at)) != std::string::npos; at += 3)
    url.replace(at, 1, url[at] == '/' ? "%2F" : "%2B");
  expect_found("{\\\"SecretAccessKey\\\":\\\"" + secret + "\\\"}\n", SecretKind::secret_access_key, secret);
  expect_found("{\"aws_secret\":\"" + json_slashes + "\"}\n", SecretKind::secret_access_key, json_slashes,
               secret);
  expect_found("secret_key=" + url + "&region=us-east-1\n", SecretKind::secret_access_key, url, secret);
  // A longer base64 run is not a secret key, encoded or not.
  EXPECT_TRUE(scan("secret_key=" + url + "%3D\n").empty());
}

TEST(SecretScan, FindsSessionTokensUnderOtherNames) {
  const std::string value = token(500);
  std::string url = value;
  for (std::size_t at = 0; (at = url.find_first_of("/+=", at)) != std::string::npos; at += 3)
    url.replace(at, 1, url[at] == '/' ? "%2F" : url[at] == '+' ? "%2B" : "%3D");
  expect_found("  \"Token\" : \"" + value + "\",\n", SecretKind::session_token, value);
  expect_found("x-amz-security-token: " + value + "\n", SecretKind::session_token, value);
  expect_found("https://b.s3.amazonaws.com/k?X-Amz-Security-Token=" + url + "&X-Amz-Signature=abc\n",
               SecretKind::session_token, url, value);
  expect_found("aws-session-token: " + value + "\n", SecretKind::session_token, value);
  expect_found("token = \"" + value + "\"\n", SecretKind::session_token, value);  // terraform's provider
  // Unnamed, but framed as STS frames its tokens ("origin_ec", "er/aws", "aws" in base64).
  for (const char* frame : {"IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdz", "AQoDYXdz"}) {
    const std::string framed = frame + random_base64(300, 5);
    expect_found("blob: [\"" + framed + "\"]\n", SecretKind::session_token, framed);
  }
  // A random token under a name that is not a token's is not reported: it could be anything.
  EXPECT_TRUE(scan("thumbnail = \"" + random_base64(500, 9) + "\"\n").empty());
}

TEST(SecretScan, FindsSecretsUnderNamesWithoutSecret) {
  const std::string secret = kSecret;
  for (const std::string& text :
       {"aws_key = \"" + secret + "\"\n", "AWS_SK=" + secret + "\n", "S3_PRIVATE_KEY=" + secret + "\n",
        "const awsKey = '" + secret + "';\n", "AWSSK: " + secret + "\n"})
    expect_found(text, SecretKind::secret_access_key, secret);
  // "key" without an AWS word is any key.
  EXPECT_TRUE(scan("api_key = \"" + secret + "\"\nprimaryKey = \"" + secret + "\"\n").empty());
}

TEST(SecretScan, IgnoresLowEntropyPlaceholders) {
  for (const char* text :
       {"AKIAXXXXXXXXXXXXXXXX\n", "AKIAAAAAAAAAAAAAAAAA\n", "key: AKIAXXXXXXXXXXXXC66V\n",
        "ASIAABCDEFGHIJKLMNOP\n", "aws_secret_access_key = abcdefghijklmnopqrstuvwxyz0123456789ABCD\n",
        "aws_secret_access_key = aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD\n",
        "aws_secret_access_key = YourSecretAccessKeyGoesHere0000000000000\n"})
    EXPECT_TRUE(scan(text).empty()) << text;
  std::string tokens;
  for (int i = 0; i < 40; ++i) tokens += "TOKEN";
  EXPECT_TRUE(scan("aws_session_token = " + tokens + "\n").empty());
  EXPECT_TRUE(scan("aws_session_token = " + std::string(300, 'x') + "\n").empty());
}

TEST(SecretScan, IgnoresDocumentationValuesWithExampleInside) {
  EXPECT_TRUE(scan("AKIAEXAMPLE2MOCKQ3ZA\nASIA2MOCKEXAMPLEQ3ZA\n").empty());
  EXPECT_TRUE(scan("aws_secret_access_key = Zx9mQv2LpR7tEXAMPLEKd1FgH6jUe3AoI5yTr0B\n").empty());
  EXPECT_TRUE(
      scan("\"SessionToken\": \"AQoDYXdzEPT//////////wEXAMPLE" + random_base64(300, 4) + "\"\n").empty());
}

TEST(SecretScan, IgnoresNamesOfSecretsAndCapitalWords) {
  EXPECT_TRUE(scan("SecretId=\"prod/Payments/StripeApiKeyForCheckoutSvc\"\n").empty());
  EXPECT_TRUE(scan("secret_name = \"staging/orders/DatabaseMasterUserSecrets\"\n").empty());
  // Paths and identifiers of 40 characters under a secret name are words, not random.
  EXPECT_TRUE(scan("secret = images/products/Thumbnail4Large/front/v2\n").empty());
  EXPECT_TRUE(scan("secret: SecretsManagerCredentialProviderFactory2\n").empty());
  // The name says it holds something about the secret, not the secret.
  EXPECT_TRUE(scan(std::string("aws_secret_access_key_file = ") + kSecret + "\n").empty());
  for (const char* words : {"ASIAPACIFICSALESTEAM", "ASIANMARKETSOVERVIEW", "AKIADOCUMENTATIONSET"})
    EXPECT_TRUE(scan(std::string("team: ") + words + "\n").empty()) << words;
}

TEST(SecretScan, InlineAllowCommentDropsOneLine) {
  const std::string id = kKeyId;
  for (const std::string& line :
       {"key = \"" + id + "\"  # awsprof:allow", "key = \"" + id + "\"; // awsprof:allow",
        "key = \"" + id + "\" /* awsprof:allow */", "<k>" + id + "</k> <!-- awsprof:allow -->",
        "select '" + id + "' -- awsprof:allow", "key=" + id + " ; awsprof:allow",
        "set K=" + id + " & REM awsprof:allow"})
    EXPECT_TRUE(scan(line + "\n").empty()) << line;
  // One line only, and only in a comment.
  EXPECT_EQ(scan("a = \"" + id + "\"  # awsprof:allow\nb = \"" + id + "\"\n").size(), 1u);
  EXPECT_EQ(scan("key = \"" + id + "\"  # awsprof:allowed\n").size(), 1u);
  EXPECT_EQ(scan("key = \"" + id + "\", \"awsprof:allow\"\n").size(), 1u);
  TempDir dir;
  dir.write("a.py", "A = \"" + id + "\"  # awsprof:allow\nB = \"" + id + "\"\n");
  auto report = make_scanner().scan_files({dir.path() + "/a.py"});
  EXPECT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.allowed_inline, 1u);
}

TEST(SecretScan, ColumnsInCodePointsToo) {
  auto findings = scan("# caf\u00e9 \u00fcber: \"" + std::string(kKeyId) + "\"\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].column, 17);  // bytes: \u00e9 and \u00fc take two each
  EXPECT_EQ(findings[0].code_point_column, 15);
  EXPECT_EQ(to_diagnostics(findings)[0].code_point_column, 15);
}

TEST(SecretScan, DecodesUtf16Files) {
  const std::string text =
      "AWS_ACCESS_KEY_ID=" + std::string(kKeyId) + "\r\nAWS_SECRET_ACCESS_KEY=" + kSecret + "\r\n";
  std::string le = "\xff\xfe", be = "\xfe\xff", bare;
  for (char c : text) {
    le += c;
    le += '\0';
    be += '\0';
    be += c;
    bare += c;
    bare += '\0';
  }
  ASSERT_EQ(decode_utf16(le), text);
  ASSERT_EQ(decode_utf16(be), text);
  ASSERT_EQ(decode_utf16(bare), text);
  EXPECT_EQ(decode_utf16(text), std::nullopt);
  EXPECT_EQ(decode_utf16(std::string("\x7f"
                                     "ELF\0\0\0\0\1\2\3\4\0\0\0\0\0\0\0\0",
                                     20)),
            std::nullopt);
  TempDir dir;
  dir.write("le.env", le);
  dir.write("be.env", be);
  dir.write("bare.env", bare);
  auto report =
      make_scanner().scan_files({dir.path() + "/be.env", dir.path() + "/bare.env", dir.path() + "/le.env"});
  EXPECT_EQ(report.files_utf16, 3u);
  EXPECT_EQ(report.files_binary, 0u);
  ASSERT_EQ(report.findings.size(), 6u);
  EXPECT_EQ(report.findings[1].line, 2);
  EXPECT_EQ(report.findings[1].column, 23);
  EXPECT_EQ(report.findings[1].kind, SecretKind::secret_access_key);
  // A lone surrogate or an odd last byte does not stop the decoding.
  EXPECT_EQ(decode_utf16(std::string("\xff\xfe"
                                     "a\0\x00\xd8"
                                     "b\0c",
                                     9)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
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

TEST(SecretScan, DirectoryWalkHonoursGitignoreAndSkipsBinaries) {
  TempDir dir;
  dir.write(".gitignore", "ignored/\n*.bak\n");
  dir.write("src/a.py", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("ignored/b.py", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("c.bak", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("d.bin", std::string("\0\0", 2) + kKeyId);
  auto files = list_scan_files(dir.path());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->files.size(), 3u);  // .gitignore, d.bin, src/a.py
  EXPECT_TRUE(files->errors.empty());
  EXPECT_TRUE(files->skipped.empty());
  auto report = make_scanner().scan_files(files->files);
  EXPECT_EQ(report.files_binary, 1u);
  EXPECT_EQ(report.files_scanned, 2u);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].path, dir.path() + "/src/a.py");
  EXPECT_EQ(report.findings[0].column, 8);
}

/// Runs `check` in a child process that cannot read what file modes forbid: as uid 65534 when the
/// tests run as root, since root reads any directory. Returns the child's exit status.
int run_unprivileged(const std::function<int()>& check) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(90);
    ::_exit(check());
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return 91;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 92;
}

TEST(SecretScan, ListNamesSymlinksAndUnreadableDirectories) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  dir.write("a/key.py", std::string("KEY = '") + kKeyId + "'\n");
  dir.write("a/locked/b.py", std::string("KEY = '") + kKeyId + "'\n");
  ASSERT_EQ(::symlink("a/key.py", (dir.path() + "/link.py").c_str()), 0);
  ASSERT_EQ(::symlink("key.py", (dir.path() + "/a/inner-link.py").c_str()), 0);
  // A symlink named: reported, not followed.
  auto link = list_scan_files(dir.path() + "/link.py");
  ASSERT_TRUE(link.ok());
  EXPECT_TRUE(link->files.empty());
  EXPECT_EQ(link->skipped,
            std::vector<std::string>{dir.path() +
                                     "/link.py: a symbolic link, not followed (name its target to scan it)"});
  // A symlink inside a directory: not followed, and not worth a message.
  auto walked = list_scan_files(dir.path() + "/a");
  ASSERT_TRUE(walked.ok());
  EXPECT_EQ(walked->files,
            (std::vector<std::string>{dir.path() + "/a/key.py", dir.path() + "/a/locked/b.py"}));
  EXPECT_TRUE(walked->skipped.empty());
  // An unreadable directory is an error, and the rest is still listed.
  ASSERT_EQ(::chmod((dir.path() + "/a/locked").c_str(), 0), 0);
  const int status = run_unprivileged([&] {
    auto listed = list_scan_files(dir.path() + "/a");
    if (!listed.ok()) return 1;
    if (listed->files != std::vector<std::string>{dir.path() + "/a/key.py"}) return 2;
    if (listed->errors != std::vector<std::string>{dir.path() + "/a/locked: Permission denied"}) return 3;
    return 0;
  });
  ::chmod((dir.path() + "/a/locked").c_str(), 0755);
  EXPECT_EQ(status, 0);
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

TEST(SecretScan, StagedFailsClosedWhenABlobIsCutShort) {
  TempDir dir;
  ASSERT_EQ(git(dir.path(), "init -q"), 0);
  dir.write("a.txt", "clean\n");
  dir.write("b.txt", std::string("id = ") + kKeyId + "\n");
  ASSERT_EQ(git(dir.path(), "add a.txt b.txt"), 0);
  // A git whose `cat-file --batch` output stops short: the second blob cannot be read.
  const std::string real_git = "/usr/bin/git";
  dir.write("bin/git", "#!/bin/sh\nif [ \"$1\" = cat-file ]; then " + real_git +
                           " \"$@\" | head -c 60; exit 0; fi\nexec " + real_git + " \"$@\"\n");
  ASSERT_EQ(::chmod((dir.path() + "/bin/git").c_str(), 0755), 0);
  const std::string saved_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir.path() + "/bin:" + saved_path).c_str(), 1);
  auto report = make_scanner().scan_staged(dir.path());
  ::setenv("PATH", saved_path.c_str(), 1);
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->files_scanned, 1u);
  ASSERT_EQ(report->errors.size(), 1u);
  EXPECT_NE(report->errors[0].find("b.txt: staged blob "), std::string::npos) << report->errors[0];
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

}  // namespace secret_scan_test
}  // namespace awsprof
