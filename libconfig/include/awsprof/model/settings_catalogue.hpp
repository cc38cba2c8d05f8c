// The settings catalogue: every key the AWS CLI reads from the shared config and credentials files,
// with its type, where it may appear, its environment variables and global option, and its default.
//
// The data lives in schemas/settings.toml, which is embedded into the library at build time, so
// builtin_catalogue() works with no file on disk.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "awsprof/support/result.hpp"
#include "awsprof/support/secrets.hpp"  // is_secret_key(); the catalogue's `secret` flags agree with it.

namespace awsprof {

class FileSystem;

/// The kind of value a setting takes; check_value() knows how to validate each.
enum class SettingType {
  string,       ///< Any text, empty included.
  boolean,      ///< "true" or "false", any case.
  integer,      ///< Decimal integer within [min, max].
  enumeration,  ///< One of SettingSpec::values.
  arn,          ///< arn:partition:service:region:account:resource
  url,          ///< scheme://host[...], restricted to SettingSpec::url_schemes when given.
  path,         ///< A non-empty file or directory path.
  duration,     ///< Whole seconds within [min, max].
  size,         ///< "8MB" or "1048576" (bytes), or "50MB/s" (rate); see SettingSpec::size_kind.
  region,       ///< A region name such as us-east-1.
  account_id,   ///< Twelve digits.
  command,      ///< A non-empty command line (credential_process).
  list,         ///< Comma-separated items, at least one non-empty.
  block,        ///< A nested block: "key =" followed by indented "sub = value" lines.
  timestamp,    ///< An ISO 8601 time, as parse_expiration_time() reads it ("2024-01-01T12:00:00Z").
};

/// Which file a setting belongs in.
enum class SettingFile { config, credentials, both };

/// Which major version of the AWS CLI reads a setting. `none`: neither does; a key other tools
/// agree on (aws_expiration), which awsprof knows so that it is not reported as unknown.
enum class CliVersion { both, v1, v2, none };

/// For SettingType::size: a byte count or a transfer rate.
enum class SizeKind { none, bytes, rate };

/// "string", "bool", "int", "enum", "arn", ... as written in settings.toml.
std::string_view to_string(SettingType type);
/// "config", "credentials" or "both".
std::string_view to_string(SettingFile file);
/// "both", "v1", "v2" or "none".
std::string_view to_string(CliVersion version);

/// One setting, as described by one [[setting]] table of settings.toml.
struct SettingSpec {
  std::string name;  ///< "region", or dotted for a nested key: "s3.max_bandwidth". "*" = any key.
  SettingType type = SettingType::string;
  std::optional<std::int64_t> min;  ///< Inclusive bounds for integer and duration.
  std::optional<std::int64_t> max;
  std::vector<std::string> values;       ///< Allowed values of an enumeration.
  bool values_case_insensitive = false;  ///< Enumeration values compare ignoring case.
  SizeKind size_kind = SizeKind::none;   ///< For size.
  std::vector<std::string> url_schemes;  ///< For url; empty means any scheme.
  std::vector<std::string> scopes;       ///< "profile", "sso-session", "services", "s3", ...
  SettingFile file = SettingFile::config;
  std::vector<std::string> env;           ///< Overriding environment variables, highest first.
  std::vector<std::string> env_fallback;  ///< Read only when nothing else sets the value.
  std::string flag;                       ///< Global option that overrides it, or empty.
  std::optional<std::string> default_value;
  std::string refers_to;  ///< "profile", "sso-session" or "services" when the value names a section.
  bool secret = false;    ///< Never show the value; mask it.
  bool deprecated = false;
  CliVersion cli_version = CliVersion::both;
  std::string since;  ///< First AWS CLI v2 version that reads it, when known.
  std::string description;

  /// True when the key may appear in `scope` ("profile", "sso-session", "s3", ...).
  bool allowed_in(std::string_view scope) const;
};

/// An environment variable that is not the env or env_fallback of any setting.
struct EnvVarSpec {
  std::string name;
  std::optional<std::string> default_value;
  bool secret = false;
  CliVersion cli_version = CliVersion::both;
  std::string description;
};

/// A global command-line option of the AWS CLI.
struct GlobalOptionSpec {
  std::string name;   ///< "--region"
  std::string value;  ///< "flag" when it takes no argument, else a type name ("string", "enum", ...).
  std::vector<std::string> values;     ///< For value "enum".
  std::string setting;                 ///< The setting whose value it supplies, or empty.
  std::vector<std::string> overrides;  ///< Settings it beats without supplying their value.
  std::optional<std::string> default_value;
  CliVersion cli_version = CliVersion::both;
  std::string description;
};

/// The parsed catalogue. Cheap to query; immutable once built.
class SettingsCatalogue {
 public:
  SettingsCatalogue() = default;

  /// The setting called `name`, or nullptr. Dotted names address nested keys ("s3.max_bandwidth");
  /// catalogue entries with a "*" segment match any key there ("api_versions.ec2"). Like botocore,
  /// the first segment is compared lower-cased and the nested segment as written.
  const SettingSpec* find(std::string_view name) const;
  /// Every setting, in file order.
  std::span<const SettingSpec> all() const { return settings_; }
  /// Up to three known setting names close to `unknown` (edit distance, case-insensitive),
  /// nearest first: "regoin" gives {"region"}. Empty when nothing is close.
  std::vector<std::string> suggest(std::string_view unknown) const;

  /// Environment variables that are not settings.
  std::span<const EnvVarSpec> environment() const { return environment_; }
  /// Global command-line options.
  std::span<const GlobalOptionSpec> options() const { return options_; }

  int schema_version() const { return schema_version_; }
  const std::string& baseline() const { return baseline_; }

 private:
  friend Result<SettingsCatalogue> parse_catalogue(std::string_view toml_text, std::string_view source_name);
  std::vector<SettingSpec> settings_;
  std::vector<EnvVarSpec> environment_;
  std::vector<GlobalOptionSpec> options_;
  std::unordered_map<std::string, std::size_t> index_;  ///< Exact names to positions.
  std::vector<std::size_t> wildcards_;                  ///< Positions of names with a "*" segment.
  int schema_version_ = 0;
  std::string baseline_;
};

/// Parses and checks a catalogue in the settings.toml format. Errors name `source_name`, the line
/// and what is wrong ("settings.toml:12:1: setting 'region': unknown type 'regoin'").
Result<SettingsCatalogue> parse_catalogue(std::string_view toml_text, std::string_view source_name);

/// Reads and parses a catalogue file through `fs`.
Result<SettingsCatalogue> load_catalogue_from_file(const FileSystem& fs, const std::string& path);

/// The catalogue built into the library (schemas/settings.toml at build time), parsed once on first
/// use; safe to call from several threads. Empty if the embedded text failed to parse, which the
/// unit tests rule out.
const SettingsCatalogue& builtin_catalogue();

/// The embedded settings.toml, byte for byte.
std::string_view builtin_catalogue_text();

/// Checks `value` (surrounding blanks ignored) against the type of `spec`. Returns "" when it fits,
/// else one sentence naming the setting, e.g. "output must be one of json, text, table, yaml,
/// yaml-stream, off". The sentence never contains the value, so it is safe for secret settings.
std::string check_value(const SettingSpec& spec, std::string_view value);

}  // namespace awsprof
