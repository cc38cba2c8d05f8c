// Tests of the settings catalogue: the embedded schemas/settings.toml, its coverage of the AWS CLI
// User Guide, the loader's checks, find/suggest, and check_value for every type.
#include "awsprof/model/settings_catalogue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "awsprof/platform/file_system.hpp"
#include "awsprof/support/secrets.hpp"
#include "test_support.hpp"

namespace awsprof {
namespace settings_catalogue_test {

const SettingsCatalogue& catalogue() {
  return builtin_catalogue();
}

const SettingSpec& spec(std::string_view name) {
  const SettingSpec* found = catalogue().find(name);
  if (!found) throw std::runtime_error("no setting " + std::string(name));
  return *found;
}

// --- The chapter "Configuring the AWS CLI" of the AWS CLI User Guide -----------------------------

const std::string kUserGuide = std::string(AWSPROF_SHARED_DIR) + "/reference/002_930ff8d97642be81.txt";

struct ChapterLine {
  std::string text;
  bool in_code = false;  // Inside a ``` fence (the fence lines themselves are left out).
};

// The lines of the chapter: from its title line to the title of the next chapter.
std::vector<ChapterLine> chapter_lines() {
  std::istringstream in(read_text(kUserGuide));
  std::vector<ChapterLine> lines;
  bool inside = false;
  bool in_code = false;
  for (std::string line; std::getline(in, line);) {
    if (!inside) {
      inside = line == "Configuring the AWS CLI";  // The TOC entry carries a page number.
      continue;
    }
    if (line == "Using the AWS CLI") break;  // The next chapter.
    if (line.rfind("```", 0) == 0) {
      in_code = !in_code;
      continue;
    }
    lines.push_back({line, in_code});
  }
  return lines;
}

// A heading line with its decorations removed: "[region \(p. 38\)](#)" -> "region".
std::string heading_text(std::string text) {
  static const std::regex kPageRef(R"(\\?\(p\. \d+\\?\))");
  text = std::regex_replace(text, kPageRef, "");
  static const std::regex kLink(R"(\(#\))");
  text = std::regex_replace(text, kLink, "");
  text.erase(
      std::remove_if(text.begin(), text.end(), [](char c) { return c == '[' || c == ']' || c == '`'; }),
      text.end());
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// Every setting the "Supported config File Settings" section introduces with a heading line of its
// own. Headings under "S3 Custom Command Settings" are keys of the nested s3 block.
std::vector<std::string> chapter_setting_headings() {
  static const std::regex kKey("[a-z][a-z0-9_]*");
  std::vector<std::string> names;
  bool in_section = false;
  std::string prefix;
  for (const ChapterLine& line : chapter_lines()) {
    if (line.in_code) continue;
    std::string lowered = line.text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), ::tolower);
    if (lowered == "supported config file settings") {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (line.text == "Named Profiles") break;  // The next section.
    if (line.text == "S3 Custom Command Settings") prefix = "s3.";
    const std::string text = heading_text(line.text);
    if (std::regex_match(text, kKey)) names.push_back(prefix + text);
  }
  return names;
}

struct ExampleKey {
  std::string key;  // "region", or "s3.max_bandwidth" for an indented key under "s3 =".
  std::string value;
  std::string line;
};

// The keys of every example in the chapter that shows a whole file: a code block with a [section].
std::vector<ExampleKey> chapter_example_keys() {
  static const std::regex kSection(R"(\s*\[[^\]]+\]\s*)");
  static const std::regex kProperty(R"(^(\s*)([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$)");
  std::vector<ExampleKey> keys;
  std::vector<std::string> block;
  const auto flush = [&]() {
    const bool is_file = std::any_of(block.begin(), block.end(),
                                     [](const std::string& l) { return std::regex_match(l, kSection); });
    std::string parent;
    for (const std::string& l : block) {
      std::smatch m;
      if (!is_file) break;
      if (std::regex_match(l, kSection)) parent.clear();
      if (!std::regex_match(l, m, kProperty)) continue;
      if (!m[1].str().empty() && !parent.empty()) {
        keys.push_back({parent + "." + m[2].str(), m[3].str(), l});
      } else {
        keys.push_back({m[2].str(), m[3].str(), l});
        parent = m[3].str().empty() ? m[2].str() : std::string();
      }
    }
    block.clear();
  };
  bool was_code = false;
  for (const ChapterLine& line : chapter_lines()) {
    if (was_code && !line.in_code) flush();
    if (line.in_code) block.push_back(line.text);
    was_code = line.in_code;
  }
  flush();
  return keys;
}

TEST(SettingsCatalogue, BuiltinCatalogueParses) {
  auto parsed = parse_catalogue(builtin_catalogue_text(), "settings.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(parsed->all().size(), catalogue().all().size());
  EXPECT_GT(catalogue().all().size(), 90u);
  EXPECT_EQ(catalogue().schema_version(), 1);
  EXPECT_FALSE(catalogue().environment().empty());
  EXPECT_FALSE(catalogue().options().empty());
}

TEST(SettingsCatalogue, EmbeddedCopyEqualsTheFileOnDisk) {
  const std::string on_disk = read_text(std::string(AWSPROF_SOURCE_DIR) + "/schemas/settings.toml");
  ASSERT_FALSE(on_disk.empty());
  EXPECT_TRUE(builtin_catalogue_text() == on_disk) << "rebuild: the embedded settings.toml is stale";
}

TEST(SettingsCatalogue, BuiltinCatalogueIsBuiltOnceAcrossThreads) {
  std::vector<const SettingsCatalogue*> seen(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = &builtin_catalogue(); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto* address : seen) EXPECT_EQ(address, &builtin_catalogue());
}

TEST(SettingsCatalogue, CoversEverySettingTheUserGuideChapterNames) {
  const std::vector<std::string> names = chapter_setting_headings();
  // The section has 25 global settings and 9 S3 ones; a much smaller haul means the text moved.
  ASSERT_GE(names.size(), 30u) << "could not find the settings headings in " << kUserGuide;
  EXPECT_NE(std::find(names.begin(), names.end(), "s3.max_bandwidth"), names.end());
  for (const std::string& name : names) {
    EXPECT_NE(catalogue().find(name), nullptr) << name << " is named by the User Guide but not catalogued";
  }
}

TEST(SettingsCatalogue, CoversEveryKeyInTheUserGuideChapterExamples) {
  const std::vector<ExampleKey> keys = chapter_example_keys();
  ASSERT_GE(keys.size(), 40u);
  for (const ExampleKey& key : keys) {
    EXPECT_NE(catalogue().find(key.key), nullptr) << key.line;
  }
}

TEST(SettingsCatalogue, UserGuideExampleValuesFitTheirTypesButOne) {
  std::vector<std::string> misfits;
  for (const ExampleKey& key : chapter_example_keys()) {
    const SettingSpec* found = catalogue().find(key.key);
    if (found && !check_value(*found, key.value).empty()) misfits.push_back(key.key + "=" + key.value);
  }
  // The guide's web-identity example drops a colon from its ARN (arn:aws:iam::123...).
  EXPECT_EQ(misfits, std::vector<std::string>{"role_arn=arn:aws:iam:123456789012:role/RoleNameToAssume"});
}

TEST(SettingsCatalogue, KnowsEveryEnvVarAndOptionTheUserGuideChapterNames) {
  static const std::regex kEnvHeading("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+");
  static const std::regex kOption(R"(^(--[a-z][a-z0-9-]*)( .*)?$)");
  std::set<std::string> known_env;
  for (const SettingSpec& s : catalogue().all()) {
    known_env.insert(s.env.begin(), s.env.end());
    known_env.insert(s.env_fallback.begin(), s.env_fallback.end());
  }
  for (const EnvVarSpec& e : catalogue().environment()) known_env.insert(e.name);
  std::set<std::string> known_options;
  for (const GlobalOptionSpec& o : catalogue().options()) known_options.insert(o.name);

  std::size_t env_count = 0;
  std::size_t option_count = 0;
  for (const ChapterLine& line : chapter_lines()) {
    if (line.in_code) continue;
    const std::string text = heading_text(line.text);
    std::smatch m;
    if (std::regex_match(text, kEnvHeading)) {
      ++env_count;
      EXPECT_TRUE(known_env.count(text)) << text;
    } else if (std::regex_match(line.text, m, kOption)) {
      ++option_count;
      EXPECT_TRUE(known_options.count(m[1].str())) << m[1].str();
    }
  }
  EXPECT_GE(env_count, 10u);
  EXPECT_GE(option_count, 10u);
}

TEST(SettingsCatalogue, IncludesTheCurrentV2Settings) {
  for (const char* name : {"sso_session",
                           "sso_start_url",
                           "sso_region",
                           "sso_registration_scopes",
                           "sso_account_id",
                           "sso_role_name",
                           "endpoint_url",
                           "services",
                           "retry_mode",
                           "max_attempts",
                           "use_fips_endpoint",
                           "use_dualstack_endpoint",
                           "defaults_mode",
                           "cli_pager",
                           "cli_binary_format",
                           "aws_account_id",
                           "metadata_service_timeout",
                           "metadata_service_num_attempts",
                           "ec2_metadata_service_endpoint",
                           "ec2_metadata_service_endpoint_mode",
                           "ec2_metadata_v1_disabled",
                           "disable_request_compression",
                           "request_min_compression_size_bytes",
                           "request_checksum_calculation",
                           "response_checksum_validation",
                           "s3.max_concurrent_requests",
                           "s3.max_bandwidth",
                           "s3.addressing_style",
                           "s3.use_accelerate_endpoint",
                           "s3.payload_signing_enabled",
                           "s3.multipart_threshold",
                           "s3.multipart_chunksize",
                           "api_versions",
                           "credential_process",
                           "web_identity_token_file",
                           "ca_bundle",
                           "parameter_validation",
                           "output",
                           "region",
                           "cli_timestamp_format",
                           "cli_auto_prompt",
                           "cli_history",
                           "tcp_keepalive",
                           "sts_regional_endpoints"}) {
    EXPECT_NE(catalogue().find(name), nullptr) << name;
  }
  EXPECT_TRUE(spec("endpoint_url").allowed_in("services"));
  EXPECT_TRUE(spec("sso_start_url").allowed_in("sso-session"));
  EXPECT_TRUE(spec("sso_registration_scopes").allowed_in("sso-session"));
  EXPECT_FALSE(spec("sso_registration_scopes").allowed_in("profile"));
  EXPECT_EQ(spec("sso_registration_scopes").type, SettingType::list);
  EXPECT_EQ(spec("api_versions").cli_version, CliVersion::v1);
  EXPECT_EQ(spec("cli_pager").cli_version, CliVersion::v2);
}

TEST(SettingsCatalogue, EverySettingIsWellFormed) {
  std::set<std::string> names;
  for (const SettingSpec& s : catalogue().all()) {
    SCOPED_TRACE(s.name);
    EXPECT_TRUE(names.insert(s.name).second) << "listed twice";
    EXPECT_FALSE(s.description.empty());
    EXPECT_EQ(s.description.find('\n'), std::string::npos);
    EXPECT_FALSE(s.scopes.empty());
    EXPECT_NE(to_string(s.type), "");
    if (s.type == SettingType::enumeration) {
      EXPECT_FALSE(s.values.empty());
    }
    if (s.type == SettingType::size) {
      EXPECT_NE(s.size_kind, SizeKind::none);
    }
    if (s.default_value) {
      EXPECT_EQ(check_value(s, *s.default_value), "");
    }
    EXPECT_EQ(catalogue().find(s.name), &s);
  }
}

TEST(SettingsCatalogue, RegionReadsAwsRegionBeforeAwsDefaultRegion) {
  const SettingSpec& region = spec("region");
  EXPECT_EQ(region.env, (std::vector<std::string>{"AWS_REGION", "AWS_DEFAULT_REGION"}));
  EXPECT_EQ(region.flag, "--region");
  EXPECT_EQ(region.type, SettingType::region);
  EXPECT_EQ(spec("cli_pager").env, std::vector<std::string>{"AWS_PAGER"});
  EXPECT_EQ(spec("cli_pager").env_fallback, std::vector<std::string>{"PAGER"});
  EXPECT_EQ(spec("endpoint_url").env,
            (std::vector<std::string>{"AWS_ENDPOINT_URL_<SERVICE>", "AWS_ENDPOINT_URL"}));
}

TEST(SettingsCatalogue, SecretFlagsAgreeWithIsSecretKey) {
  for (const SettingSpec& s : catalogue().all()) EXPECT_EQ(s.secret, is_secret_key(s.name)) << s.name;
  EXPECT_TRUE(spec("aws_secret_access_key").secret);
  EXPECT_TRUE(spec("aws_session_token").secret);
  EXPECT_TRUE(spec("aws_security_token").secret);
  EXPECT_FALSE(spec("aws_access_key_id").secret);
}

TEST(SettingsCatalogue, OnlyCredentialKeysBelongInBothFiles) {
  const std::set<std::string> credential_keys = {"aws_access_key_id", "aws_secret_access_key",
                                                 "aws_session_token", "aws_security_token",
                                                 "aws_account_id",    "aws_expiration"};
  for (const SettingSpec& s : catalogue().all()) {
    EXPECT_EQ(s.file, credential_keys.count(s.name) ? SettingFile::both : SettingFile::config) << s.name;
  }
}

TEST(SettingsCatalogue, KnowsAwsExpirationAsATimeNoCliReads) {
  const SettingSpec* spec = catalogue().find("aws_expiration");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->type, SettingType::timestamp);
  EXPECT_EQ(spec->cli_version, CliVersion::none);
  EXPECT_FALSE(spec->secret);
  EXPECT_EQ(check_value(*spec, "2030-01-01T00:00:00Z"), "");
  EXPECT_EQ(check_value(*spec, "2030-01-01T00:00:00+00:00"), "");
  EXPECT_EQ(check_value(*spec, "next week"),
            "aws_expiration must be an ISO 8601 time such as 2024-01-01T12:00:00Z");
}

TEST(SettingsCatalogue, FindLowercasesOnlyTheTopLevelKey) {
  EXPECT_EQ(catalogue().find("Region"), &spec("region"));
  EXPECT_EQ(catalogue().find("S3.max_bandwidth"), &spec("s3.max_bandwidth"));
  EXPECT_EQ(catalogue().find("s3.MAX_BANDWIDTH"), nullptr);
  EXPECT_EQ(catalogue().find("api_versions.ec2"), &spec("api_versions.*"));
  EXPECT_EQ(catalogue().find("s3.signature_version"), &spec("*.signature_version"));
  EXPECT_EQ(catalogue().find("regoin"), nullptr);
  EXPECT_EQ(catalogue().find("api_versions."), nullptr);
  EXPECT_EQ(catalogue().find(""), nullptr);
}

TEST(SettingsCatalogue, SuggestsTheNearestNames) {
  ASSERT_FALSE(catalogue().suggest("regoin").empty());
  EXPECT_EQ(catalogue().suggest("regoin").front(), "region");
  EXPECT_EQ(catalogue().suggest("Regoin").front(), "region");
  EXPECT_EQ(catalogue().suggest("s3.max_bandwith").front(), "s3.max_bandwidth");
  EXPECT_EQ(catalogue().suggest("aws_secret_acess_key").front(), "aws_secret_access_key");
  EXPECT_EQ(catalogue().suggest("sso_start_uri").front(), "sso_start_url");
  EXPECT_TRUE(catalogue().suggest("xyzzy").empty());
  EXPECT_TRUE(catalogue().suggest("").empty());
  EXPECT_LE(catalogue().suggest("cli_pagerr").size(), 3u);
}

// --- check_value --------------------------------------------------------------------------------

TEST(SettingsCatalogue, CheckValueBool) {
  const SettingSpec& s = spec("parameter_validation");
  EXPECT_EQ(check_value(s, "true"), "");
  EXPECT_EQ(check_value(s, "FALSE"), "");
  EXPECT_EQ(check_value(s, " True "), "");
  EXPECT_EQ(check_value(s, "yes"), "parameter_validation must be true or false");
  EXPECT_EQ(check_value(s, "1"), "parameter_validation must be true or false");
  EXPECT_EQ(check_value(s, ""), "parameter_validation must be true or false");
}

TEST(SettingsCatalogue, CheckValueInt) {
  const SettingSpec& attempts = spec("max_attempts");
  EXPECT_EQ(check_value(attempts, "5"), "");
  EXPECT_EQ(check_value(attempts, "+5"), "");
  EXPECT_EQ(check_value(attempts, "0"), "max_attempts must be at least 1");
  EXPECT_EQ(check_value(attempts, "five"), "max_attempts must be an integer");
  EXPECT_EQ(check_value(attempts, "99999999999999999999"), "max_attempts must be at least 1");
  const SettingSpec& size = spec("request_min_compression_size_bytes");
  EXPECT_EQ(check_value(size, "10240"), "");
  EXPECT_EQ(check_value(size, "1048577"), "request_min_compression_size_bytes must be between 1 and 1048576");
  EXPECT_EQ(check_value(size, "1.5"), "request_min_compression_size_bytes must be an integer");
}

TEST(SettingsCatalogue, CheckValueDuration) {
  const SettingSpec& s = spec("duration_seconds");
  EXPECT_EQ(s.type, SettingType::duration);
  EXPECT_EQ(check_value(s, "900"), "");
  EXPECT_EQ(check_value(s, "43200"), "");
  EXPECT_EQ(check_value(s, "899"), "duration_seconds must be between 900 and 43200");
  EXPECT_EQ(check_value(s, "43201"), "duration_seconds must be between 900 and 43200");
  EXPECT_EQ(check_value(s, "1h"), "duration_seconds must be a whole number of seconds");
}

TEST(SettingsCatalogue, CheckValueEnum) {
  EXPECT_EQ(check_value(spec("output"), "yaml-stream"), "");
  EXPECT_EQ(check_value(spec("output"), "xml"),
            "output must be one of json, text, table, yaml, yaml-stream, off");
  EXPECT_EQ(check_value(spec("output"), "JSON"),
            "output must be one of json, text, table, yaml, yaml-stream, off");
  // Values the CLI compares case-insensitively.
  EXPECT_EQ(check_value(spec("cli_auto_prompt"), "On-Partial"), "");
  EXPECT_EQ(check_value(spec("retry_mode"), "legacy"), "retry_mode must be one of standard, adaptive");
  // credential_source is compared case-sensitively by botocore.
  EXPECT_EQ(check_value(spec("credential_source"), "Ec2InstanceMetadata"), "");
  EXPECT_NE(check_value(spec("credential_source"), "ec2instancemetadata"), "");
}

TEST(SettingsCatalogue, CheckValueArn) {
  const SettingSpec& s = spec("role_arn");
  EXPECT_EQ(check_value(s, "arn:aws:iam::123456789012:role/role-name"), "");
  EXPECT_EQ(check_value(s, "arn:aws-cn:iam::123456789012:role/a:b"), "");
  EXPECT_EQ(check_value(s, "arn:aws:iam:123456789012:role/x"),
            "role_arn must be an ARN (arn:partition:service:region:account:resource)");
  EXPECT_NE(check_value(s, "arn:aws:iam::123456789012:"), "");
  EXPECT_NE(check_value(s, "role/x"), "");
  EXPECT_NE(check_value(s, "arn:aws:iam::1234 56789012:role/x"), "");
}

TEST(SettingsCatalogue, CheckValueUrl) {
  const SettingSpec& endpoint = spec("endpoint_url");
  EXPECT_EQ(check_value(endpoint, "http://localhost:4566"), "");
  EXPECT_EQ(check_value(endpoint, "https://s3.example.com/base/path"), "");
  EXPECT_EQ(check_value(endpoint, "http://[::1]:8080"), "");
  EXPECT_EQ(check_value(endpoint, "localhost:4566"),
            "endpoint_url must be a URL with a scheme and a host, such as https://example.com");
  EXPECT_NE(check_value(endpoint, "http://"), "");
  EXPECT_NE(check_value(endpoint, "http://host:port"), "");
  const SettingSpec& start = spec("sso_start_url");
  EXPECT_EQ(check_value(start, "https://my-sso-portal.awsapps.com/start"), "");
  EXPECT_EQ(check_value(start, "http://my-sso-portal.awsapps.com/start"),
            "sso_start_url must be an https:// URL with a host");
}

TEST(SettingsCatalogue, CheckValuePathCommandAndString) {
  EXPECT_EQ(check_value(spec("ca_bundle"), "/etc/ssl/certs/ca.pem"), "");
  EXPECT_EQ(check_value(spec("ca_bundle"), "  "), "ca_bundle must be a file path, not empty");
  EXPECT_EQ(check_value(spec("credential_process"), "\"/opt/bin/creds\" --user x"), "");
  EXPECT_EQ(check_value(spec("credential_process"), ""),
            "credential_process must be a command line, not empty");
  EXPECT_EQ(check_value(spec("cli_pager"), ""), "");  // An empty pager turns paging off.
  EXPECT_EQ(check_value(spec("external_id"), "anything at all"), "");
}

TEST(SettingsCatalogue, CheckValueSize) {
  const SettingSpec& threshold = spec("s3.multipart_threshold");
  EXPECT_EQ(threshold.size_kind, SizeKind::bytes);
  for (const char* good : {"8MB", "64mb", "1048576", "1GiB", "2TB", "256KB"})
    EXPECT_EQ(check_value(threshold, good), "") << good;
  for (const char* bad : {"8M", "MB", "8 MBs", "-1", "1.5GB", "50MB/s"}) {
    EXPECT_EQ(check_value(threshold, bad),
              "s3.multipart_threshold must be a size in bytes, such as 1048576, 64MB or 1GiB")
        << bad;
  }
  EXPECT_EQ(check_value(threshold, "0"), "s3.multipart_threshold must be greater than zero");
  const SettingSpec& bandwidth = spec("s3.max_bandwidth");
  EXPECT_EQ(bandwidth.size_kind, SizeKind::rate);
  for (const char* good : {"50MB/s", "300KB/s", "1048576", "10Gb/s", "100B/s", "1KiB/s"}) {
    EXPECT_EQ(check_value(bandwidth, good), "") << good;
  }
  for (const char* bad : {"50MB", "fast", "MB/s", "50XB/s"}) {
    EXPECT_EQ(check_value(bandwidth, bad),
              "s3.max_bandwidth must be a rate in bytes per second, such as 1048576, 50MB/s or 100Mb/s")
        << bad;
  }
}

TEST(SettingsCatalogue, CheckValueRegionAccountListAndBlock) {
  EXPECT_EQ(check_value(spec("region"), "us-west-2"), "");
  EXPECT_EQ(check_value(spec("region"), "aws-global"), "");
  EXPECT_EQ(check_value(spec("region"), "us_west_2"),
            "region must be a region name such as us-east-1 (letters, digits and hyphens)");
  EXPECT_NE(check_value(spec("region"), "-us-west-2"), "");
  EXPECT_NE(check_value(spec("region"), ""), "");
  EXPECT_EQ(check_value(spec("sso_account_id"), "123456789012"), "");
  EXPECT_EQ(check_value(spec("sso_account_id"), "12345678901"),
            "sso_account_id must be a 12-digit AWS account ID");
  EXPECT_NE(check_value(spec("aws_account_id"), "12345678901a"), "");
  EXPECT_EQ(check_value(spec("sso_registration_scopes"), "sso:account:access"), "");
  EXPECT_EQ(check_value(spec("auth_scheme_preference"), "sigv4a, sigv4,,httpBearerAuth"), "");
  EXPECT_EQ(check_value(spec("sso_registration_scopes"), " , "),
            "sso_registration_scopes must be a comma-separated list with at least one item");
  EXPECT_EQ(check_value(spec("s3"), ""), "");
  EXPECT_EQ(check_value(spec("s3"), "path"),
            "s3 must be a nested block: write `s3 =` and indent its settings on the lines below");
}

TEST(SettingsCatalogue, CheckValueNeverRepeatsTheValue) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  for (const SettingSpec& s : catalogue().all()) {
    EXPECT_EQ(check_value(s, secret).find(secret), std::string::npos) << s.name;
  }
}

// --- the loader -----------------------------------------------------------------------------------

constexpr std::string_view kMinimal = R"(schema_version = 1
[[setting]]
name = "region"
type = "region"
scopes = ["profile"]
file = "config"
cli_version = "both"
description = "Default region."
)";

std::string parse_error(std::string_view text) {
  auto parsed = parse_catalogue(text, "test.toml");
  return parsed.ok() ? std::string("(parsed)") : parsed.message();
}

TEST(SettingsCatalogue, ParsesAMinimalCatalogue) {
  auto parsed = parse_catalogue(kMinimal, "test.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  ASSERT_EQ(parsed->all().size(), 1u);
  EXPECT_EQ(parsed->all()[0].name, "region");
  EXPECT_TRUE(parsed->environment().empty());
}

TEST(SettingsCatalogue, ReportsTomlSyntaxErrorsWithAPosition) {
  const std::string message = parse_error("schema_version = 1\n[[setting]\n");
  EXPECT_EQ(message.rfind("test.toml:2:", 0), 0u) << message;
}

TEST(SettingsCatalogue, RejectsMalformedSettings) {
  const std::string base(kMinimal);
  const auto with = [&](std::string_view from, std::string_view to) {
    std::string text = base;
    text.replace(text.find(from), from.size(), to);
    return parse_error(text);
  };
  EXPECT_EQ(with("type = \"region\"", "type = \"regoin\""),
            "test.toml:2:1: setting 'region': unknown type 'regoin'");
  EXPECT_NE(with("type = \"region\"", "type = \"enum\"").find("an enum needs 'values'"), std::string::npos);
  EXPECT_NE(with("file = \"config\"", "file = \"config\"\ncolour = \"red\"").find("unknown key 'colour'"),
            std::string::npos);
  EXPECT_NE(with("description = \"Default region.\"\n", "").find("'description' is required"),
            std::string::npos);
  EXPECT_NE(with("scopes = [\"profile\"]", "scopes = [\"galaxy\"]").find("unknown scope 'galaxy'"),
            std::string::npos);
  EXPECT_NE(
      with("file = \"config\"", "file = \"config\"\ndefault = \"us west\"").find("its default does not fit"),
      std::string::npos);
  EXPECT_NE(
      with("file = \"config\"", "file = \"config\"\nflag = \"--region\"").find("not in the [[option]] table"),
      std::string::npos);
  EXPECT_NE(with("schema_version = 1", "schema_version = 2").find("schema_version must be 1"),
            std::string::npos);
  EXPECT_NE(parse_error(base + base.substr(base.find("[[setting]]"))).find("the name is used twice"),
            std::string::npos);
  EXPECT_NE(parse_error("schema_version = 1\n").find("no [[setting]] tables"), std::string::npos);
}

TEST(SettingsCatalogue, LoadsFromAFileSystem) {
  MemoryFileSystem fs;
  fs.put("/schemas/settings.toml", std::string(kMinimal));
  auto loaded = load_catalogue_from_file(fs, "/schemas/settings.toml");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_NE(loaded->find("region"), nullptr);
  auto missing = load_catalogue_from_file(fs, "/nowhere.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("/nowhere.toml"), std::string::npos);
}

}  // namespace settings_catalogue_test
}  // namespace awsprof
