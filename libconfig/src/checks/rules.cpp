// The rule registry (one table for every tool) and .awsprof.toml loading.
#include "awsprof/checks/rules.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <regex>
#include <tuple>

#include "awsprof/platform/file_system.hpp"

namespace awsprof {
namespace {

using enum Severity;

// ---- The registry. Add new rules to the area they belong to; ids are never renamed once
// released. docs/rules.md is generated from this table (see tests/unit/rules_test.cpp).
constexpr RuleInfo kRules[] = {
    // ---- config: the .awsprof.toml file itself (not configurable: reported before it applies).
    {"config.invalid", error, "The .awsprof.toml file is not valid TOML or has a value of the wrong kind.",
     "A configuration that cannot be read would silently change what is reported, so the tool stops "
     "(exit 2) and names the file, line and column."},
    {"config.unknown-rule", error, "The .awsprof.toml file names a rule id that does not exist.",
     "A misspelt rule id would otherwise leave the rule on while the author believes it is off. Rule ids "
     "are stable, so an unknown one is always a mistake."},

    // ---- parse: the dialect readers (profile_model.hpp).
    {"parse.byte-order-mark", error, "The file starts with a UTF-8 byte-order mark.",
     "Neither the AWS CLI nor the SDKs skip a byte-order mark: the first section header is not "
     "recognised and the whole file is refused (\"Unable to parse config file\")."},
    {"parse.invalid-utf8", error, "The file contains bytes that are not UTF-8.",
     "The AWS CLI decodes the files as UTF-8 and refuses the whole file on the first invalid byte."},
    {"parse.duplicate-section", error, "The same section appears twice in one file.",
     "The AWS CLI's configparser raises DuplicateSectionError and refuses the whole file, so every command "
     "fails; the SDKs merge the two sections instead (a warning in the sdk dialect)."},
    {"parse.duplicate-key", error,
     "The same key appears twice in one section (names compared ignoring case).",
     "The AWS CLI raises DuplicateOptionError and refuses the whole file; the SDKs silently use the later "
     "value (a warning in the sdk dialect)."},
    {"parse.missing-section-header", error,
     "A property or other text comes before the first [section] header.",
     "Both readers refuse a file whose first content line is not a section header."},
    {"parse.missing-delimiter", error, "A line is neither a [section], a key = value, nor a comment.",
     "The AWS CLI refuses the whole file on a line it cannot parse; the SDKs do too."},
    {"parse.empty-key", error, "A property or sub-property has no key before its '='.",
     "Both readers refuse a value without a name."},
    {"parse.bad-sub-property", error, "An indented line inside a nested block (s3 =, ...) has no '='.",
     "The AWS CLI refuses the whole file when a nested block has a line without '='; the SDKs report an "
     "error too."},
    {"parse.unterminated-header", error, "A section header has no closing ']' (sdk dialect).",
     "The SDKs refuse a file with a header that does not end with ']'."},
    {"parse.orphan-continuation", error, "An indented continuation line follows no property (sdk dialect).",
     "The SDKs refuse a continuation line that has no property to continue."},
    {"parse.ignored-section", warning, "The dialect ignores this section.",
     "A section the reader ignores is almost always a mistake in its header: its settings have no effect."},
    {"parse.invalid-key-name", warning,
     "The SDKs ignore a key whose name has characters outside the spec's set.",
     "The profile-file specification allows only letters, digits and - _ / . % @ : + in key names; other "
     "keys are silently dropped by the SDKs while the AWS CLI still reads them."},

    // ---- validate: structure.
    {"validate.profile-prefix-in-credentials", warning, "A [profile NAME] section in the credentials file.",
     "The credentials file uses bare names ([NAME]). The AWS CLI reads [profile x] there as a profile "
     "literally called 'profile x', and the SDKs ignore it, so its keys are never used for profile x."},
    {"validate.unprefixed-section", warning,
     "A config-file section without the 'profile' prefix (other than [default]), which the AWS CLI ignores.",
     "In the config file, profiles other than default must be written [profile NAME]. A bare [NAME] is "
     "silently ignored by the AWS CLI, so its settings never apply."},
    {"validate.default-and-profile-default", warning,
     "Both [default] and [profile default] in the config file.",
     "The AWS CLI uses whichever comes later in the file, entirely; the SDKs always use [profile default]. "
     "Two definitions of one profile invite editing the one that is not read."},
    {"validate.indented-section-header", warning, "A section header that starts with blanks.",
     "After a property, an indented header is read as a continuation of that property's value, not as a "
     "section. Elsewhere the AWS CLI accepts it, but `aws configure set` does not find it and appends a "
     "duplicate section."},
    {"validate.invalid-profile-name", warning,
     "A profile or sso-session name with characters outside letters, digits and - _ / . % @ : +.",
     "The profile-file specification allows only these characters; the SDKs ignore sections whose names "
     "have others (spaces, quotes), while the AWS CLI may still read them, so the two disagree."},

    // ---- validate: schema (schemas/settings.toml).
    {"validate.unknown-key", warning, "A key that no AWS CLI setting uses; suggests the nearest known name.",
     "Unknown keys are silently ignored, so a misspelling such as 'regoin' leaves the setting unset."},
    {"validate.invalid-type", error,
     "A value of the wrong type (boolean, integer, size, account id, list, path, command).",
     "The AWS CLI fails, or silently reads a wrong value (a boolean that is not 'true' reads as false), "
     "when a value does not have the setting's type."},
    {"validate.out-of-range", error,
     "An integer or duration outside its allowed range (duration_seconds 900-43200).",
     "Out-of-range values are rejected by the service at the first call (AssumeRole refuses a "
     "DurationSeconds outside 900-43200)."},
    {"validate.invalid-enum", error, "A value that is not one of the setting's allowed values.",
     "Settings such as output, retry_mode, credential_source and sts_regional_endpoints accept a fixed set "
     "of values; any other value makes the AWS CLI fail or fall back."},
    {"validate.invalid-arn", error,
     "A malformed ARN (role_arn), or an mfa_serial that is neither an ARN nor a "
     "hardware serial number.",
     "A malformed role ARN or MFA serial is only discovered when the AWS CLI calls STS and it fails."},
    {"validate.invalid-url", error, "A malformed URL (sso_start_url, endpoint_url, ...).",
     "A URL without a scheme and host cannot be reached; the AWS CLI fails when it first uses it."},
    {"validate.invalid-region", error, "A value that is not a region name (region, sso_region).",
     "An invalid region builds endpoints that do not exist; a common cause is an inline comment that the "
     "AWS CLI keeps as part of the value."},
    {"validate.unknown-region", warning,
     "A region name (region, sso_region) that is not among the regions of botocore's endpoint data; "
     "suggests the nearest known one.",
     "A misspelled region (eu-centrl-1, us-east-7) is well formed, so nothing fails until the first "
     "request to an endpoint that does not exist. The list is that of the botocore package awsprof was "
     "built with: a region newer than it is reported too, which is why this is a warning."},
    {"validate.wrong-file", warning, "A setting in the file it does not belong in.",
     "Settings other than credentials belong in the config file. The AWS CLI merges both files, but `aws "
     "configure` and other tools look for them in their own file."},
    {"validate.wrong-section-type", warning,
     "A setting in a kind of section that does not read it (e.g. region in [sso-session]).",
     "Each setting is read from specific sections: profiles, [sso-session], [services] blocks or nested "
     "blocks. Elsewhere it is ignored."},

    // ---- validate: semantics.
    {"validate.missing-source-profile", error, "source_profile names a profile that does not exist.",
     "The AWS CLI fails with \"The source profile ... could not be found\" for every command using the "
     "profile."},
    {"validate.source-profile-cycle", error, "A loop in a chain of source_profile settings.",
     "The AWS CLI fails with InfiniteLoopConfigError. A profile may name itself only when it has static "
     "keys, to assume a role with its own credentials."},
    {"validate.source-profile-and-credential-source", error,
     "A profile with both source_profile and credential_source.",
     "The AWS CLI refuses the profile: \"Only one of source_profile or credential_source may be "
     "specified\"."},
    {"validate.role-without-source", error,
     "role_arn without source_profile, credential_source or web_identity_token_file.",
     "The AWS CLI cannot get credentials to assume the role and fails with a partial-credentials error."},
    {"validate.incomplete-sso", error, "SSO settings that are missing a required key.",
     "A profile with sso_account_id or sso_role_name needs sso_start_url and sso_region too (directly or "
     "through its [sso-session]), and an [sso-session] needs both; otherwise the AWS CLI fails with "
     "\"missing required configuration\"."},
    {"validate.sso-session-mismatch", error, "A profile's SSO setting contradicts its [sso-session].",
     "The AWS CLI refuses a profile whose sso_start_url or sso_region differs from the one in the "
     "sso-session it names (\"inconsistent between profile and sso-session\")."},
    {"validate.missing-sso-session", error, "sso_session names an [sso-session] that does not exist.",
     "The AWS CLI fails with \"The specified sso-session does not exist\"."},
    {"validate.credential-process-quoting", error, "A credential_process that cannot be split into words.",
     "The AWS CLI splits credential_process like a POSIX shell (shlex) without running one; an unclosed "
     "quote or a trailing backslash makes it fail."},
    {"validate.credential-process-expansion", warning, "A credential_process that uses ~ or $VARIABLES.",
     "No shell runs the command, so ~ and environment variables are passed literally and the program is "
     "not found or gets the wrong arguments."},
    {"validate.static-keys-ignored", warning, "Static keys in a profile that also has role_arn.",
     "The AWS CLI assumes the role and ignores the profile's own aws_access_key_id and "
     "aws_secret_access_key, unless source_profile names the profile itself."},

    // ---- validate: dialects (docs/dialects.md).
    {"validate.dialect-divergence", warning,
     "A place where the AWS CLI and the AWS SDKs read the files differently.",
     "Inline comments, ':' delimiters, duplicates, key case, [default] against [profile default] and quoted "
     "names are read differently by the AWS CLI and the SDKs, so the same profile behaves differently in "
     "scripts and in programs."},

    // ---- lint: credential hygiene of the AWS files (lint.hpp).
    {"lint.plaintext-access-key", warning, "A long-lived access key (AKIA...) stored in plain text.",
     "An IAM user's access key never expires: anyone who copies the file keeps access until the key is "
     "rotated. IAM Identity Center (SSO), an assumed role or a credential_process that reads a keychain "
     "give short-lived credentials instead."},
    {"lint.secret-in-config", error, "A secret key or session token in the config file.",
     "The config file is meant to be shared, copied and checked in; tools create it with a looser mode. "
     "Secrets belong in the credentials file, which only its owner should be able to read."},
    {"lint.file-permissions", warning,
     "A credentials file, a config file or ~/.aws readable or writable by "
     "group or others.",
     "Other local users (and their compromised processes) can read the keys, or add a credential_process "
     "that runs their program. The AWS CLI creates these files with mode 600 and the directory with 700."},
    {"lint.file-owner", error, "A credentials file, a config file or ~/.aws owned by another user.",
     "Whoever owns the file can change it: point a profile at their account or add a credential_process "
     "that runs as you."},
    {"lint.expired-session-token", warning,
     "A session token whose aws_expiration (or Expiration) has passed.",
     "Expired temporary credentials only fail later, with an ExpiredToken error far from the cause; the "
     "stale token is still a secret lying in the file."},
    {"lint.example-key", error, "A documented example key (AKIAIOSFODNN7EXAMPLE, ...) used as a real one.",
     "The keys from the AWS documentation never authenticate. A profile with them fails every call, "
     "usually because a template was copied and never filled in."},
    {"lint.credential-process-relative", warning, "credential_process runs a program by a relative path.",
     "A relative path is resolved against whatever directory the caller happens to be in, so it breaks, "
     "or runs a different program, depending on where the command is started."},
    {"lint.credential-process-missing", error, "credential_process runs a program that does not exist.",
     "Every call with the profile fails with an error about the process; when the name is looked up on "
     "PATH, a program placed there later would receive the request."},
    {"lint.credential-process-writable", error,
     "credential_process runs a program that group or others "
     "can write.",
     "Anyone who can change the program can make it print their credentials, or copy yours, every time "
     "the profile is used."},
    {"lint.could-use-sso", warning, "Static keys in a profile although an [sso-session] is configured.",
     "IAM Identity Center is already set up, so the long-lived keys could be replaced with short-lived SSO "
     "credentials (aws configure sso)."},
    {"lint.sso-legacy-profile", warning,
     "A profile in the legacy SSO form (sso_start_url in the profile, no sso_session), which cannot refresh "
     "its token.",
     "Only the sso_session form gets a refresh token: a legacy profile needs a new login each time the "
     "access token expires (every few hours), and tools that generate profiles keep writing this form. The "
     "finding gives the exact commands that move the start URL and region to an [sso-session] section (one "
     "already there with the same start URL, or a new one) and point the profile at it; log in once "
     "afterwards, as the session's token is cached under its name."},
    {"lint.sso-stale-generated-profile", warning,
     "A profile `awsprof sso populate` generated whose role is gone, or whose session no longer holds it.",
     "populate marks a profile whose account or role IAM Identity Center no longer lists (stale-since) instead "
     "of deleting it, unless run with --prune. Such a profile fails at every use; so does one whose "
     "[sso-session] was removed or now points at another start URL. `awsprof sso populate --sso-session NAME "
     "--prune` removes them (and only them)."},
    {"lint.unused-profile", note,
     "A profile that no other profile uses and that has no credentials of its own.",
     "A profile without keys, SSO, a role or a credential_process, and not used as anyone's "
     "source_profile, is often left over from an old setup. [default] is never reported."},

    // ---- lint: AWS credentials in source trees (lint --scan, --staged; secret_scan.hpp).
    {"lint.scan-access-key-id", error,
     "An AWS access key id (AKIA, ASIA, AROA, ... 20 characters) in a file.",
     "An access key id in a repository identifies a key and is usually next to its secret; scanners run "
     "by attackers look for exactly this pattern in public commits."},
    {"lint.scan-secret-access-key", error,
     "A 40-character secret access key assigned to a secret key's name, or right after a key id.",
     "A committed secret key stays in the history after it is deleted; the key must be rotated."},
    {"lint.scan-session-token", error,
     "A session token assigned to a session or security token name, or framed as STS issues them.",
     "Temporary credentials are still credentials until they expire, and they are often valid for hours."},
    {"lint.scan-account-id", warning, "A 12-digit AWS account id (only with --account-ids).",
     "An account id is not a secret, but some teams keep them out of public code because they help "
     "targeted attacks. Off unless asked for; the documentation's example ids are never reported."},
    {"lint.scan-own-credential", error,
     "One of the key values from your own credentials file, found in a file.",
     "This is the key you actually use: it is certainly real. awsprof compares SHA-256 hashes, so the scan "
     "never keeps the value itself (git secrets --aws-provider does the same by literal match)."},
};

bool contains_char(std::string_view text, char c) {
  return text.find(c) != std::string_view::npos;
}

// Matches glob segments against path segments; "**" matches any number of segments.
bool match_segment(std::string_view glob, std::string_view text) {
  std::size_t g = 0, t = 0, star_g = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == text[t])) {
      ++g;
      ++t;
    } else if (g < glob.size() && glob[g] == '*') {
      star_g = g++;
      star_t = t;
    } else if (star_g != std::string_view::npos) {
      g = star_g + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

bool match_segments(std::span<const std::string_view> glob, std::span<const std::string_view> path) {
  if (glob.empty()) return path.empty();
  if (glob.front() == "**") {
    for (std::size_t skip = 0; skip <= path.size(); ++skip)
      if (match_segments(glob.subspan(1), path.subspan(skip))) return true;
    return false;
  }
  return !path.empty() && match_segment(glob.front(), path.front()) &&
         match_segments(glob.subspan(1), path.subspan(1));
}

std::string parent_directory(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

// ---- .awsprof.toml reading.

class ConfigReader {
 public:
  ConfigReader(std::string path, Diagnostics& problems) : path_(std::move(path)), problems_(problems) {}

  void fail(const toml::source_region& where, std::string rule, std::string message) {
    Diagnostic d;
    d.path = path_;
    d.line = static_cast<int>(where.begin.line);
    d.column = static_cast<int>(where.begin.column);
    d.severity = Severity::error;
    d.rule_id = std::move(rule);
    d.message = std::move(message);
    problems_.push_back(std::move(d));
  }
  void invalid(const toml::source_region& where, std::string message) {
    fail(where, "config.invalid", std::move(message));
  }

  // An array of strings; a wrong element is reported and skipped.
  std::vector<std::string> strings(const toml::node& node, std::string_view what) {
    std::vector<std::string> out;
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      invalid(node.source(), std::string(what) + " must be an array of strings");
      return out;
    }
    for (const toml::node& item : *array) {
      if (const auto* text = item.as_string()) {
        out.push_back(text->get());
      } else {
        invalid(item.source(), std::string(what) + " must hold only strings");
      }
    }
    return out;
  }

  // "off" or a severity name.
  void level(const toml::node& node, RuleOverride& rule) {
    const auto* text = node.as_string();
    std::optional<Severity> severity = text ? parse_severity(text->get()) : std::nullopt;
    if (text != nullptr && text->get() == "off") {
      rule.enabled = false;
    } else if (severity) {
      rule.severity = severity;
    } else {
      invalid(node.source(), "a rule's level must be \"off\", \"error\", \"warning\" or \"note\"");
    }
  }

 private:
  std::string path_;
  Diagnostics& problems_;
};

}  // namespace

std::span<const RuleInfo> all_rules() {
  return kRules;
}

const RuleInfo* find_rule(std::string_view id) {
  for (const RuleInfo& rule : kRules)
    if (rule.id == id) return &rule;
  return nullptr;
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "error") return Severity::error;
  if (text == "warning") return Severity::warning;
  if (text == "note") return Severity::note;
  return std::nullopt;
}

bool glob_match(std::string_view glob, std::string_view path) {
  if (!contains_char(glob, '/')) {
    std::size_t slash = path.rfind('/');
    return match_segment(glob, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  auto glob_parts = split_path(glob);
  auto path_parts = split_path(path);
  if (glob.starts_with('/') != path.starts_with('/')) return false;
  return match_segments(glob_parts, path_parts);
}

bool RuleConfig::enabled(std::string_view rule_id) const {
  auto it = overrides_.find(rule_id);
  return it == overrides_.end() || it->second.enabled;
}

Severity RuleConfig::severity(std::string_view rule_id, Severity reported) const {
  auto it = overrides_.find(rule_id);
  return it != overrides_.end() && it->second.severity ? *it->second.severity : reported;
}

bool RuleConfig::path_allowed(std::string_view path, std::string_view rule_id) const {
  std::string relative;
  if (!base_directory_.empty()) {
    std::string prefix = base_directory_ == "/" ? "/" : base_directory_ + "/";
    if (path.starts_with(prefix)) relative = std::string(path.substr(prefix.size()));
  }
  auto matches = [&](const std::vector<std::string>& globs) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
      return glob_match(glob, path) || (!relative.empty() && glob_match(glob, relative));
    });
  };
  if (matches(allowed_paths_)) return true;
  auto it = rule_id.empty() ? overrides_.end() : overrides_.find(rule_id);
  return it != overrides_.end() && matches(it->second.paths);
}

void RuleConfig::limit_to_own_directory(std::string working_directory) {
  working_directory_ = std::move(working_directory);
}

bool RuleConfig::applies_to(std::string_view path) const {
  if (!working_directory_) return true;
  // Lexically, on the paths as given: a file reached through a symbolic link from outside the
  // directory counts as outside (the configuration is then not applied, which shows more).
  std::filesystem::path resolved(path);
  if (resolved.is_relative()) resolved = std::filesystem::path(*working_directory_) / resolved;
  const std::string file = resolved.lexically_normal().string();
  const std::string directory = std::filesystem::path(base_directory_).lexically_normal().string();
  if (directory == "/") return file.starts_with('/');
  return file.starts_with(directory.ends_with('/') ? directory : directory + "/");
}

bool RuleConfig::text_allowed(std::string_view text) const {
  return std::any_of(matchers_.begin(), matchers_.end(), [&](const auto& match) { return match(text); });
}

RuleConfig parse_rule_config(std::string_view toml_text, std::string source_path) {
  RuleConfig config;
  config.source_path_ = source_path;
  config.base_directory_ = parent_directory(source_path);
  ConfigReader read(source_path, config.problems_);
  toml::table root;
  try {
    root = toml::parse(toml_text, source_path);
  } catch (const toml::parse_error& e) {
    read.invalid(e.source(), std::string(e.description()));
    return config;
  } catch (const std::exception& e) {
    read.invalid(toml::source_region{}, e.what());
    return config;
  }
  for (auto&& [key, node] : root) {
    if (key == "rules") {
      const toml::table* rules = node.as_table();
      if (rules == nullptr) {
        read.invalid(node.source(), "[rules] must be a table of rule ids");
        continue;
      }
      for (auto&& [id, value] : *rules) {
        if (find_rule(id.str()) == nullptr) {
          read.fail(id.source(), "config.unknown-rule", "unknown rule id '" + std::string(id.str()) + "'");
          continue;
        }
        RuleOverride rule;
        if (const toml::table* table = value.as_table()) {
          for (auto&& [field, field_value] : *table) {
            if (field == "severity") {
              read.level(field_value, rule);
            } else if (field == "paths") {
              rule.paths = read.strings(field_value, "paths");
            } else {
              read.invalid(field.source(), "unknown field '" + std::string(field.str()) +
                                               "' (a rule takes severity and paths)");
            }
          }
        } else {
          read.level(value, rule);
        }
        config.overrides_[std::string(id.str())] = std::move(rule);
      }
    } else if (key == "allow") {
      const toml::table* allow = node.as_table();
      if (allow == nullptr) {
        read.invalid(node.source(), "[allow] must be a table with paths and patterns");
        continue;
      }
      for (auto&& [field, value] : *allow) {
        if (field == "paths") {
          config.allowed_paths_ = read.strings(value, "allow.paths");
        } else if (field == "patterns") {
          for (std::string& pattern : read.strings(value, "allow.patterns")) {
            try {
              auto regex = std::make_shared<std::regex>(pattern, std::regex::ECMAScript);
              config.matchers_.push_back([regex](std::string_view text) {
                return std::regex_search(text.begin(), text.end(), *regex);
              });
              config.allowed_patterns_.push_back(std::move(pattern));
            } catch (const std::regex_error&) {
              read.invalid(value.source(),
                           "allow.patterns: '" + pattern + "' is not a valid regular expression");
            }
          }
        } else {
          read.invalid(field.source(), "unknown field '" + std::string(field.str()) +
                                           "' in [allow] (expected paths, patterns)");
        }
      }
    } else {
      read.invalid(key.source(),
                   "unknown table '" + std::string(key.str()) + "' (expected [rules] or [allow])");
    }
  }
  // toml++ iterates keys in sorted order; report in file order.
  std::stable_sort(config.problems_.begin(), config.problems_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  return config;
}

std::optional<std::string> find_rule_config(const FileSystem& fs, std::string directory) {
  while (!directory.empty()) {
    std::string candidate = (directory == "/" ? "" : directory) + "/" + std::string(kRuleConfigFileName);
    Result<FileContent> content = fs.read_file(candidate);
    if (content && content->exists) return candidate;
    if (directory == "/" || directory.find('/') == std::string::npos) break;
    directory = parent_directory(directory);
  }
  return std::nullopt;
}

Result<RuleConfig> load_rule_config(const FileSystem& fs, const std::optional<std::string>& explicit_path,
                                    const std::string& start_directory) {
  std::optional<std::string> path = explicit_path ? explicit_path : find_rule_config(fs, start_directory);
  if (!path) return RuleConfig();
  Result<FileContent> content = fs.read_file(*path);
  if (!content) return Result<RuleConfig>::error(content.message());
  if (!content->exists) return Result<RuleConfig>::error(*path + ": no such file");
  RuleConfig config = parse_rule_config(content->bytes, *path);
  if (!explicit_path) config.limit_to_own_directory(start_directory);
  return config;
}

std::string_view to_string(SuppressionReason reason) {
  switch (reason) {
    case SuppressionReason::rule_off:
      return "rule turned off";
    case SuppressionReason::path_allowed:
      return "path allowlisted";
    case SuppressionReason::pattern_allowed:
      return "source line matches an allowlisted pattern";
  }
  return "";
}

std::vector<SuppressedFinding> apply_rule_config(const RuleConfig& config, Diagnostics& diagnostics,
                                                 const SourceLineLookup& source_line) {
  Diagnostics kept;
  std::vector<SuppressedFinding> suppressed;
  kept.reserve(diagnostics.size());
  for (Diagnostic& d : diagnostics) {
    const bool governed = config.applies_to(d.path);  // else reported as it is
    std::optional<SuppressionReason> reason;
    if (!governed) {
    } else if (!config.enabled(d.rule_id)) {
      reason = SuppressionReason::rule_off;
    } else if (config.path_allowed(d.path, d.rule_id)) {
      reason = SuppressionReason::path_allowed;
    } else if (!config.allowed_patterns().empty() && source_line) {
      std::optional<std::string> text = source_line(d.path, d.line);
      if (text && config.text_allowed(*text)) reason = SuppressionReason::pattern_allowed;
    }
    if (reason) {
      suppressed.push_back({std::move(d), *reason});
      continue;
    }
    if (governed) d.severity = config.severity(d.rule_id, d.severity);
    kept.push_back(std::move(d));
  }
  diagnostics = std::move(kept);
  return suppressed;
}

}  // namespace awsprof
