// The settings catalogue: parsing schemas/settings.toml and checking values against it.
//
// toml++ is used with its exceptions on (the Debian build is compiled that way); every
// toml::parse_error is caught in parse_catalogue() and turned into a Result error.
#include "awsprof/model/settings_catalogue.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <exception>
#include <initializer_list>
#include <set>
#include <utility>

#include "awsprof/support/timestamps.hpp"
#include "awsprof/platform/file_system.hpp"
#include "awsprof/support/suggest.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace detail {
// Generated at build time from schemas/settings.toml (see libconfig/CMakeLists.txt).
extern const unsigned char kSettingsToml[];
extern const std::size_t kSettingsTomlSize;
}  // namespace detail

namespace {

constexpr std::array<std::pair<SettingType, std::string_view>, 15> kTypeNames = {{
    {SettingType::string, "string"},
    {SettingType::boolean, "bool"},
    {SettingType::integer, "int"},
    {SettingType::enumeration, "enum"},
    {SettingType::arn, "arn"},
    {SettingType::url, "url"},
    {SettingType::path, "path"},
    {SettingType::duration, "duration"},
    {SettingType::size, "size"},
    {SettingType::region, "region"},
    {SettingType::account_id, "account_id"},
    {SettingType::command, "command"},
    {SettingType::list, "list"},
    {SettingType::block, "block"},
    {SettingType::timestamp, "timestamp"},
}};

constexpr std::array<std::pair<SettingFile, std::string_view>, 3> kFileNames = {{
    {SettingFile::config, "config"},
    {SettingFile::credentials, "credentials"},
    {SettingFile::both, "both"},
}};

constexpr std::array<std::pair<CliVersion, std::string_view>, 4> kVersionNames = {{
    {CliVersion::both, "both"},
    {CliVersion::v1, "v1"},
    {CliVersion::v2, "v2"},
    {CliVersion::none, "none"},
}};

constexpr std::array<std::pair<SizeKind, std::string_view>, 2> kSizeKindNames = {{
    {SizeKind::bytes, "bytes"},
    {SizeKind::rate, "rate"},
}};

// The text of `value` in a table of names (the table's first entry when it is missing).
template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [candidate, text] : names) {
    if (candidate == value) return text;
  }
  return names[0].second;
}

// The value called `text` in a table of names, if any.
template <typename Enum, std::size_t N>
std::optional<Enum> named(const std::array<std::pair<Enum, std::string_view>, N>& names,
                          std::string_view text) {
  for (const auto& [value, candidate] : names) {
    if (candidate == text) return value;
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 9> kScopes = {
    "profile", "sso-session",  "services",       "plugins", "s3",
    "emr",     "api_versions", "proxies_config", "service"};

constexpr std::array<std::string_view, 3> kRefersTo = {"profile", "sso-session", "services"};

using detail::ascii_lower;
using detail::ascii_lowercase;
using detail::iequals;
using detail::split;
using detail::trim_blanks;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view item) {
  return std::find(set.begin(), set.end(), item) != set.end();
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// --- value checks -------------------------------------------------------------------------------

std::optional<std::int64_t> parse_int(std::string_view text, bool* overflow) {
  *overflow = false;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const std::string_view digits = (!text.empty() && text.front() == '-') ? text.substr(1) : text;
  if (!all_digits(digits)) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    *overflow = true;
    return std::nullopt;
  }
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string bounds_text(const SettingSpec& spec) {
  if (spec.min && spec.max) {
    return "between " + std::to_string(*spec.min) + " and " + std::to_string(*spec.max);
  }
  if (spec.min) return "at least " + std::to_string(*spec.min);
  if (spec.max) return "at most " + std::to_string(*spec.max);
  return {};
}

std::string check_integer(const SettingSpec& spec, std::string_view value) {
  bool overflow = false;
  const auto number = parse_int(value, &overflow);
  const std::string bounds = bounds_text(spec);
  if (!number && !overflow) {
    return spec.name + (spec.type == SettingType::duration ? " must be a whole number of seconds"
                                                           : " must be an integer");
  }
  if (overflow)
    return spec.name + " must be " + (bounds.empty() ? "an integer that fits in 64 bits" : bounds);
  if ((spec.min && *number < *spec.min) || (spec.max && *number > *spec.max))
    return spec.name + " must be " + bounds;
  return {};
}

// True for "8MB", "1GiB", "1048576": digits, then an optional KB/MB/GB/TB or KiB/MiB/GiB/TiB suffix.
bool is_byte_size(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0) return false;
  const std::string suffix = ascii_lowercase(text.substr(digits));
  static constexpr std::array<std::string_view, 9> kSuffixes = {"",    "kb",  "mb",  "gb", "tb",
                                                                "kib", "mib", "gib", "tib"};
  return contains(kSuffixes, suffix);
}

// True for "1048576", "50MB/s", "10Gb/s", "1KiB/s", "100B/s" (B = bytes, b = bits).
bool is_rate(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0) return false;
  std::string_view rest = text.substr(digits);
  if (rest.empty()) return true;
  if (rest.size() < 3 || rest.substr(rest.size() - 2) != "/s") return false;
  rest.remove_suffix(2);
  if (rest.back() != 'B' && rest.back() != 'b') return false;
  rest.remove_suffix(1);
  if (rest.empty()) return true;
  if (rest.size() == 2 && (rest[1] == 'i' || rest[1] == 'I')) rest.remove_suffix(1);
  return rest.size() == 1 && std::string_view("kmgtKMGT").find(rest[0]) != std::string_view::npos;
}

bool is_zero(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  return text.substr(0, digits).find_first_not_of('0') == std::string_view::npos;
}

// botocore's validate_region_name: a DNS label of letters, digits and hyphens.
bool is_region_name(std::string_view text) {
  if (text.empty() || text.size() > 63) return false;
  const auto ok = [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; };
  return std::all_of(text.begin(), text.end(), ok) && text.front() != '-' && text.back() != '-';
}

bool has_blank(std::string_view text) {
  return text.find_first_of(" \t\r\n") != std::string_view::npos;
}

bool is_arn(std::string_view text) {
  if (has_blank(text)) return false;
  const auto parts = split(text, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[1].empty() || parts[2].empty()) return false;
  // The resource is everything after the fifth colon and may itself contain colons.
  std::size_t position = 0;
  for (int colon = 0; colon < 5; ++colon) position = text.find(':', position) + 1;
  return position < text.size();
}

// scheme://host[:port][/path...]; returns the scheme, or nullopt when the text is not such a URL.
std::optional<std::string_view> url_scheme(std::string_view text) {
  if (has_blank(text)) return std::nullopt;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  const std::string_view scheme = text.substr(0, sep);
  const auto scheme_char = [](char c) {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
  };
  if (!is_alpha(scheme[0]) || !std::all_of(scheme.begin(), scheme.end(), scheme_char)) return std::nullopt;
  std::string_view authority = text.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
  }
  if (host.empty() || (!port.empty() && !all_digits(port))) return std::nullopt;
  return scheme;
}

std::string url_requirement(const SettingSpec& spec) {
  if (spec.url_schemes.empty())
    return spec.name + " must be a URL with a scheme and a host, such as https://example.com";
  std::string schemes;
  for (std::size_t i = 0; i < spec.url_schemes.size(); ++i) {
    if (i > 0) schemes += i + 1 == spec.url_schemes.size() ? " or " : ", ";
    schemes += spec.url_schemes[i] + "://";
  }
  const bool vowel =
      std::string_view("aeiouh").find(ascii_lower(spec.url_schemes[0][0])) != std::string_view::npos;
  return spec.name + " must be " + (vowel ? "an " : "a ") + schemes + " URL with a host";
}

// --- reading settings.toml ----------------------------------------------------------------------

// Reads the fields of one table and remembers the first problem.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string context, std::string* error)
      : table_(table), context_(std::move(context)), error_(error) {}

  void only_keys(std::initializer_list<std::string_view> allowed) {
    for (auto&& [key, node] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        fail(node, "unknown key '" + std::string(key.str()) + "'");
      }
    }
  }

  void string(std::string_view key, std::string& out, bool required = false) {
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required) fail(table_, "'" + std::string(key) + "' is required");
      return;
    }
    if (!node->is_string()) return fail(*node, "'" + std::string(key) + "' must be a string");
    out = node->as_string()->get();
    if (required && out.empty()) fail(*node, "'" + std::string(key) + "' must not be empty");
  }

  void optional_string(std::string_view key, std::optional<std::string>& out) {
    if (!table_.get(key)) return;
    std::string value;
    string(key, value);
    out = std::move(value);
  }

  void boolean(std::string_view key, bool& out) {
    const toml::node* node = table_.get(key);
    if (!node) return;
    if (!node->is_boolean()) return fail(*node, "'" + std::string(key) + "' must be true or false");
    out = node->as_boolean()->get();
  }

  void integer(std::string_view key, std::optional<std::int64_t>& out) {
    const toml::node* node = table_.get(key);
    if (!node) return;
    if (!node->is_integer()) return fail(*node, "'" + std::string(key) + "' must be an integer");
    out = node->as_integer()->get();
  }

  void strings(std::string_view key, std::vector<std::string>& out, bool required = false) {
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required) fail(table_, "'" + std::string(key) + "' is required");
      return;
    }
    const toml::array* array = node->as_array();
    if (!array) return fail(*node, "'" + std::string(key) + "' must be an array of strings");
    for (const toml::node& item : *array) {
      if (!item.is_string()) return fail(item, "'" + std::string(key) + "' must be an array of strings");
      out.push_back(item.as_string()->get());
    }
    if (required && out.empty()) fail(*node, "'" + std::string(key) + "' must not be empty");
  }

  void cli_version(CliVersion& out) {
    const toml::node* node = table_.get("cli_version");
    if (!node) return;
    std::string text;
    string("cli_version", text);
    if (const auto version = named(kVersionNames, text)) {
      out = *version;
    } else {
      fail(*node, "cli_version must be \"both\", \"v1\", \"v2\" or \"none\"");
    }
  }

  void fail(const toml::node& node, const std::string& message) { fail_at(node.source(), message); }
  void fail(const std::string& message) { fail_at(table_.source(), message); }

 private:
  void fail_at(const toml::source_region& where, const std::string& message) {
    if (!error_->empty()) return;
    *error_ = std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) + ": " + context_ +
              ": " + message;
  }

  const toml::table& table_;
  std::string context_;
  std::string* error_;
};

std::string table_context(const toml::table& table, std::string_view kind) {
  const toml::node* name = table.get("name");
  if (name && name->is_string()) return std::string(kind) + " '" + name->as_string()->get() + "'";
  return std::string(kind);
}

bool valid_setting_name(std::string_view name) {
  const auto segments = split(name, '.');
  if (segments.size() > 2) return false;  // The files allow one level of nesting.
  for (std::string_view segment : segments) {
    if (segment == "*") continue;
    if (segment.empty()) return false;
    for (char c : segment) {
      if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_')) return false;
    }
  }
  return true;
}

bool valid_env_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '<' || c == '>';
  });
}

SettingSpec read_setting(const toml::table& table, std::string* error) {
  TableReader read(table, table_context(table, "setting"), error);
  read.only_keys({"name",      "type",       "min",       "max",    "values",     "case_insensitive",
                  "size_kind", "schemes",    "scopes",    "file",   "env",        "env_fallback",
                  "flag",      "default",    "refers_to", "secret", "deprecated", "cli_version",
                  "since",     "description"});
  SettingSpec spec;
  std::string type;
  std::string size_kind;
  std::string file;
  read.string("name", spec.name, true);
  read.string("type", type, true);
  read.integer("min", spec.min);
  read.integer("max", spec.max);
  read.strings("values", spec.values);
  read.boolean("case_insensitive", spec.values_case_insensitive);
  read.string("size_kind", size_kind);
  read.strings("schemes", spec.url_schemes);
  read.strings("scopes", spec.scopes, true);
  read.string("file", file, true);
  read.strings("env", spec.env);
  read.strings("env_fallback", spec.env_fallback);
  read.string("flag", spec.flag);
  read.optional_string("default", spec.default_value);
  read.string("refers_to", spec.refers_to);
  read.boolean("secret", spec.secret);
  read.boolean("deprecated", spec.deprecated);
  read.string("since", spec.since);
  read.string("description", spec.description, true);
  if (!table.get("cli_version")) read.fail("'cli_version' is required");
  read.cli_version(spec.cli_version);
  if (!error->empty()) return spec;

  if (!valid_setting_name(spec.name)) {
    read.fail("name must be lower-case words joined by '_', with at most one '.' for a nested key");
  }
  if (const auto parsed = named(kTypeNames, type)) {
    spec.type = *parsed;
  } else {
    read.fail("unknown type '" + type + "'");
    return spec;
  }
  const bool is_enum = spec.type == SettingType::enumeration;
  const bool numeric = spec.type == SettingType::integer || spec.type == SettingType::duration;
  if (is_enum && spec.values.empty()) read.fail("an enum needs 'values'");
  if (!is_enum && (!spec.values.empty() || spec.values_case_insensitive)) {
    read.fail("'values' and 'case_insensitive' are only for enum");
  }
  if (!numeric && (spec.min || spec.max)) read.fail("'min' and 'max' are only for int and duration");
  if (spec.min && spec.max && *spec.min > *spec.max) read.fail("'min' is greater than 'max'");
  if (spec.type == SettingType::size) {
    if (const auto kind = named(kSizeKindNames, size_kind)) {
      spec.size_kind = *kind;
    } else {
      read.fail("a size needs size_kind = \"bytes\" or \"rate\"");
    }
  } else if (!size_kind.empty()) {
    read.fail("'size_kind' is only for size");
  }
  if (spec.type != SettingType::url && !spec.url_schemes.empty()) read.fail("'schemes' is only for url");
  for (const auto& scheme : spec.url_schemes) {
    if (scheme.empty()) read.fail("'schemes' must not hold an empty scheme");
  }
  if (const auto where = named(kFileNames, file)) {
    spec.file = *where;
  } else {
    read.fail("file must be \"config\", \"credentials\" or \"both\"");
  }
  for (const auto& scope : spec.scopes) {
    if (!contains(kScopes, scope)) read.fail("unknown scope '" + scope + "'");
  }
  if (const auto dot = spec.name.find('.'); dot != std::string::npos) {
    const std::string block = spec.name.substr(0, dot);
    if (block != "*" && !contains(spec.scopes, block))
      read.fail("a nested key must list its block '" + block + "' in scopes");
  }
  for (const auto& env : spec.env) {
    if (!valid_env_name(env)) read.fail("'" + env + "' is not an environment variable name");
  }
  for (const auto& env : spec.env_fallback) {
    if (!valid_env_name(env)) read.fail("'" + env + "' is not an environment variable name");
  }
  if (!spec.flag.empty() && spec.flag.rfind("--", 0) != 0) read.fail("flag must start with --");
  if (!spec.refers_to.empty() && !contains(kRefersTo, spec.refers_to)) {
    read.fail("refers_to must be \"profile\", \"sso-session\" or \"services\"");
  }
  if (spec.default_value) {
    if (const std::string problem = check_value(spec, *spec.default_value); !problem.empty()) {
      read.fail("its default does not fit its type: " + problem);
    }
  }
  return spec;
}

EnvVarSpec read_env(const toml::table& table, std::string* error) {
  TableReader read(table, table_context(table, "env"), error);
  read.only_keys({"name", "default", "secret", "cli_version", "description"});
  EnvVarSpec spec;
  read.string("name", spec.name, true);
  read.optional_string("default", spec.default_value);
  read.boolean("secret", spec.secret);
  read.cli_version(spec.cli_version);
  read.string("description", spec.description, true);
  if (error->empty() && !valid_env_name(spec.name))
    read.fail("'" + spec.name + "' is not an environment variable name");
  return spec;
}

GlobalOptionSpec read_option(const toml::table& table, std::string* error) {
  TableReader read(table, table_context(table, "option"), error);
  read.only_keys(
      {"name", "value", "values", "setting", "overrides", "default", "cli_version", "description"});
  GlobalOptionSpec spec;
  read.string("name", spec.name, true);
  read.string("value", spec.value, true);
  read.strings("values", spec.values);
  read.string("setting", spec.setting);
  read.strings("overrides", spec.overrides);
  read.optional_string("default", spec.default_value);
  read.cli_version(spec.cli_version);
  read.string("description", spec.description, true);
  if (!error->empty()) return spec;
  if (spec.name.rfind("--", 0) != 0) read.fail("name must start with --");
  if (spec.value != "flag" && !named(kTypeNames, spec.value))
    read.fail("value must be \"flag\" or a setting type");
  if ((spec.value == "enum") != !spec.values.empty())
    read.fail("'values' is needed for, and only for, value = \"enum\"");
  return spec;
}

// Checks that hold across tables: unique names, and references that resolve.
std::string cross_check(const SettingsCatalogue& catalogue) {
  std::set<std::string> env_of_settings;
  for (const SettingSpec& spec : catalogue.all()) {
    env_of_settings.insert(spec.env.begin(), spec.env.end());
    env_of_settings.insert(spec.env_fallback.begin(), spec.env_fallback.end());
  }
  std::set<std::string> seen;
  for (const EnvVarSpec& env : catalogue.environment()) {
    if (!seen.insert(env.name).second) return "env '" + env.name + "' is listed twice";
    if (env_of_settings.count(env.name)) {
      return "env '" + env.name + "' belongs to a setting, so it must not be in the [[env]] table";
    }
  }
  seen.clear();
  const auto find_option = [&](std::string_view name) -> const GlobalOptionSpec* {
    for (const auto& option : catalogue.options()) {
      if (option.name == name) return &option;
    }
    return nullptr;
  };
  for (const GlobalOptionSpec& option : catalogue.options()) {
    if (!seen.insert(option.name).second) return "option '" + option.name + "' is listed twice";
    if (!option.setting.empty() && !catalogue.find(option.setting)) {
      return "option '" + option.name + "': unknown setting '" + option.setting + "'";
    }
    for (const auto& name : option.overrides) {
      if (!catalogue.find(name)) return "option '" + option.name + "': unknown setting '" + name + "'";
    }
  }
  for (const SettingSpec& spec : catalogue.all()) {
    if (spec.flag.empty()) continue;
    const GlobalOptionSpec* option = find_option(spec.flag);
    if (!option)
      return "setting '" + spec.name + "': flag '" + spec.flag + "' is not in the [[option]] table";
    if (option->setting != spec.name && !contains(option->overrides, spec.name)) {
      return "setting '" + spec.name + "': option '" + spec.flag + "' neither sets nor overrides it";
    }
  }
  return {};
}

}  // namespace

// --- public API ---------------------------------------------------------------------------------

std::string_view to_string(SettingType type) {
  return name_of(kTypeNames, type);
}
std::string_view to_string(SettingFile file) {
  return name_of(kFileNames, file);
}
std::string_view to_string(CliVersion version) {
  return name_of(kVersionNames, version);
}

bool SettingSpec::allowed_in(std::string_view scope) const {
  return contains(scopes, scope);
}

const SettingSpec* SettingsCatalogue::find(std::string_view name) const {
  // botocore lower-cases top-level keys but keeps the case of keys inside a nested block.
  const auto dot = name.find('.');
  std::string key = ascii_lowercase(name.substr(0, dot));
  if (dot != std::string_view::npos) key += name.substr(dot);
  if (const auto it = index_.find(key); it != index_.end()) return &settings_[it->second];
  const auto wanted = split(key, '.');
  for (const std::size_t position : wildcards_) {
    const auto pattern = split(settings_[position].name, '.');
    if (pattern.size() != wanted.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < pattern.size() && match; ++i) {
      match = pattern[i] == "*" ? !wanted[i].empty() : pattern[i] == wanted[i];
    }
    if (match) return &settings_[position];
  }
  return nullptr;
}

std::vector<std::string> SettingsCatalogue::suggest(std::string_view unknown) const {
  std::vector<std::string> names;
  for (const SettingSpec& spec : settings_)
    if (spec.name.find('*') == std::string::npos) names.push_back(spec.name);
  std::sort(names.begin(), names.end());  // equally near names come in alphabetical order
  return nearest_names(ascii_lowercase(trim_blanks(unknown)), names);
}

Result<SettingsCatalogue> parse_catalogue(std::string_view toml_text, std::string_view source_name) {
  const std::string source(source_name);
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return Result<SettingsCatalogue>::error(source + ":" + std::to_string(e.source().begin.line) + ":" +
                                            std::to_string(e.source().begin.column) + ": " +
                                            std::string(e.description()));
  } catch (const std::exception& e) {
    return Result<SettingsCatalogue>::error(source + ": " + e.what());
  }

  std::string error;
  const auto located = [&]() { return Result<SettingsCatalogue>::error(source + ":" + error); };
  SettingsCatalogue catalogue;
  TableReader top(root, "catalogue", &error);
  top.only_keys({"schema_version", "baseline", "setting", "env", "option"});
  std::optional<std::int64_t> version;
  top.integer("schema_version", version);
  top.string("baseline", catalogue.baseline_);
  if (error.empty() && version != 1) top.fail("schema_version must be 1");
  if (!error.empty()) return located();
  catalogue.schema_version_ = 1;

  const auto each_table = [&](std::string_view key, auto&& handle) {
    const toml::node* node = root.get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array || !array->is_array_of_tables()) {
      top.fail(*node, "'" + std::string(key) + "' must be an array of tables ([[" + std::string(key) + "]])");
      return;
    }
    for (const toml::node& item : *array) {
      if (!error.empty()) return;
      handle(*item.as_table());
    }
  };
  each_table("setting", [&](const toml::table& table) {
    SettingSpec spec = read_setting(table, &error);
    if (!error.empty()) return;
    if (catalogue.index_.count(spec.name)) {
      TableReader(table, table_context(table, "setting"), &error).fail("the name is used twice");
      return;
    }
    const std::size_t position = catalogue.settings_.size();
    if (spec.name.find('*') != std::string::npos) catalogue.wildcards_.push_back(position);
    catalogue.index_.emplace(spec.name, position);
    catalogue.settings_.push_back(std::move(spec));
  });
  each_table("env", [&](const toml::table& table) {
    EnvVarSpec spec = read_env(table, &error);
    if (error.empty()) catalogue.environment_.push_back(std::move(spec));
  });
  each_table("option", [&](const toml::table& table) {
    GlobalOptionSpec spec = read_option(table, &error);
    if (error.empty()) catalogue.options_.push_back(std::move(spec));
  });
  if (!error.empty()) return located();
  if (catalogue.settings_.empty())
    return Result<SettingsCatalogue>::error(source + ": no [[setting]] tables");
  if (const std::string problem = cross_check(catalogue); !problem.empty()) {
    return Result<SettingsCatalogue>::error(source + ": " + problem);
  }
  return catalogue;
}

Result<SettingsCatalogue> load_catalogue_from_file(const FileSystem& fs, const std::string& path) {
  auto content = fs.read_file(path);
  if (!content.ok()) return Result<SettingsCatalogue>::error(content.message());
  if (!content->exists) return Result<SettingsCatalogue>::error(path + ": no such file");
  return parse_catalogue(content->bytes, path);
}

std::string_view builtin_catalogue_text() {
  return {reinterpret_cast<const char*>(detail::kSettingsToml), detail::kSettingsTomlSize};
}

const SettingsCatalogue& builtin_catalogue() {
  static const SettingsCatalogue catalogue = [] {
    auto parsed = parse_catalogue(builtin_catalogue_text(), "settings.toml (built in)");
    return parsed.ok() ? std::move(parsed.value()) : SettingsCatalogue();
  }();
  return catalogue;
}

std::string check_value(const SettingSpec& spec, std::string_view raw) {
  const std::string_view value = trim_blanks(raw);
  const std::string& name = spec.name;
  switch (spec.type) {
    case SettingType::string:
      return {};
    case SettingType::boolean:
      if (iequals(value, "true") || iequals(value, "false")) return {};
      return name + " must be true or false";
    case SettingType::integer:
    case SettingType::duration:
      return check_integer(spec, value);
    case SettingType::enumeration:
      for (const auto& allowed : spec.values) {
        if (spec.values_case_insensitive ? iequals(value, allowed) : value == allowed) return {};
      }
      return name + " must be one of " + join(spec.values, ", ");
    case SettingType::arn:
      if (is_arn(value)) return {};
      return name + " must be an ARN (arn:partition:service:region:account:resource)";
    case SettingType::url: {
      const auto scheme = url_scheme(value);
      if (!scheme) return url_requirement(spec);
      if (spec.url_schemes.empty()) return {};
      for (const auto& allowed : spec.url_schemes) {
        if (iequals(*scheme, allowed)) return {};
      }
      return url_requirement(spec);
    }
    case SettingType::path:
      if (!value.empty()) return {};
      return name + " must be a file path, not empty";
    case SettingType::size:
      if (spec.size_kind == SizeKind::rate) {
        if (!is_rate(value))
          return name + " must be a rate in bytes per second, such as 1048576, 50MB/s or 100Mb/s";
      } else if (!is_byte_size(value)) {
        return name + " must be a size in bytes, such as 1048576, 64MB or 1GiB";
      }
      if (is_zero(value)) return name + " must be greater than zero";
      return {};
    case SettingType::region:
      if (is_region_name(value)) return {};
      return name + " must be a region name such as us-east-1 (letters, digits and hyphens)";
    case SettingType::account_id:
      if (value.size() == 12 && all_digits(value)) return {};
      return name + " must be a 12-digit AWS account ID";
    case SettingType::command:
      if (!value.empty()) return {};
      return name + " must be a command line, not empty";
    case SettingType::list:
      for (std::string_view item : split(value, ',')) {
        if (!trim_blanks(item).empty()) return {};
      }
      return name + " must be a comma-separated list with at least one item";
    case SettingType::block:
      if (value.empty()) return {};
      return name + " must be a nested block: write `" + name +
             " =` and indent its settings on the lines below";
    case SettingType::timestamp:
      if (parse_expiration_time(value)) return {};
      return name + " must be an ISO 8601 time such as 2024-01-01T12:00:00Z";
  }
  return {};
}

}  // namespace awsprof
