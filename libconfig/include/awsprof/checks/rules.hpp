// Rules: the registry of every rule id awsprof reports, and the project configuration
// (.awsprof.toml) that turns rules off, changes their severity and allowlists paths and patterns.
//
// The registry is one table (libconfig/src/checks/rules.cpp) that validate, lint and the readers all
// extend. docs/rules.md is generated from it (tests/unit/rules_test.cpp checks they agree).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/support/result.hpp"

namespace awsprof {

class FileSystem;

/// One rule: a stable id, its default severity and why it exists.
struct RuleInfo {
  std::string_view id;         ///< "area.kebab-case", never renamed once released.
  Severity default_severity;   ///< The severity in the default (cli) dialect, before configuration.
  std::string_view summary;    ///< One line: what the rule reports.
  std::string_view rationale;  ///< Why it matters (a few sentences).
};

/// Every rule, in registry order (grouped by area).
std::span<const RuleInfo> all_rules();
/// The rule with this id, or nullptr.
const RuleInfo* find_rule(std::string_view id);
/// "error", "warning" or "note" to a Severity; nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view text);

/// The name of the project configuration file.
inline constexpr std::string_view kRuleConfigFileName = ".awsprof.toml";

/// A project's rule configuration, as read from .awsprof.toml:
///
///     [rules]
///     "validate.unknown-key" = "off"                  # off | error | warning | note
///     "validate.dialect-divergence" = "note"
///     "lint.plaintext-access-key" = { severity = "warning", paths = ["tests/**"] }
///
///     [allow]
///     paths = ["fixtures/**", "*.example"]            # globs: findings in these files are dropped
///     patterns = ["AKIAIOSFODNN7EXAMPLE", "EXAMPLE$"] # ECMAScript regexes: findings on matching
///                                                     # source lines are dropped
///
/// Path globs: `*` and `?` match within one path segment, `**` across segments; a glob without
/// '/' matches the file name alone. Globs are matched against the path as reported and against
/// the path relative to the directory holding the .awsprof.toml.
struct RuleOverride {
  bool enabled = true;
  std::optional<Severity> severity;  ///< Replaces the finding's severity when set.
  std::vector<std::string> paths;    ///< Path globs where this rule alone is not reported.
};

class RuleConfig {
 public:
  RuleConfig() = default;

  /// The file it came from ("" for the empty default configuration).
  const std::string& source_path() const { return source_path_; }
  /// Problems in the file (unknown rule ids, bad values, TOML syntax), each with file:line:col and
  /// severity error. A tool refuses to run (exit 2) when there are any.
  const Diagnostics& problems() const { return problems_; }
  const std::map<std::string, RuleOverride, std::less<>>& overrides() const { return overrides_; }
  const std::vector<std::string>& allowed_paths() const { return allowed_paths_; }
  const std::vector<std::string>& allowed_patterns() const { return allowed_patterns_; }

  /// False when the configuration turns the rule off.
  bool enabled(std::string_view rule_id) const;
  /// The severity a finding of `rule_id` reported as `reported` ends up with.
  Severity severity(std::string_view rule_id, Severity reported) const;
  /// True when `path` matches an allowlisted glob (for every rule, or for `rule_id` alone).
  bool path_allowed(std::string_view path, std::string_view rule_id = {}) const;
  /// True when `text` matches an allowlisted pattern.
  bool text_allowed(std::string_view text) const;

  /// A file found by walking up from the working directory governs only the files under its own
  /// directory (the repository it belongs to), not ~/.aws or anything else outside: after this,
  /// applies_to() is false for them. `working_directory` (absolute) resolves relative paths.
  void limit_to_own_directory(std::string working_directory);
  /// True when the configuration governs findings about `path` (always, unless limited).
  bool applies_to(std::string_view path) const;

 private:
  friend RuleConfig parse_rule_config(std::string_view toml_text, std::string source_path);
  std::string source_path_;
  std::string base_directory_;
  std::optional<std::string> working_directory_;  ///< Set when limited to base_directory_.
  Diagnostics problems_;
  std::map<std::string, RuleOverride, std::less<>> overrides_;
  std::vector<std::string> allowed_paths_;
  std::vector<std::string> allowed_patterns_;
  std::vector<std::function<bool(std::string_view)>> matchers_;
};

/// Parses .awsprof.toml text. Never throws; every problem is in problems(), with `source_path`
/// and the line and column it was found at.
RuleConfig parse_rule_config(std::string_view toml_text, std::string source_path);

/// The .awsprof.toml in `directory` or the nearest of its parents, or nullopt when there is none.
std::optional<std::string> find_rule_config(const FileSystem& fs, std::string directory);

/// Loads `explicit_path` (the --rules option) when given, else the file find_rule_config() finds
/// from `start_directory` (then limited to its own directory: limit_to_own_directory()), else the
/// empty configuration. Fails only when a file cannot be read (or an explicit one is missing);
/// problems inside the file are in problems().
Result<RuleConfig> load_rule_config(const FileSystem& fs, const std::optional<std::string>& explicit_path,
                                    const std::string& start_directory);

/// The text of a finding's source line, for pattern allowlists; nullopt when not available.
using SourceLineLookup = std::function<std::optional<std::string>(const std::string& path, int line)>;

/// Why the configuration dropped a finding.
enum class SuppressionReason { rule_off, path_allowed, pattern_allowed };
/// "rule turned off", "path allowlisted", "source line matches an allowlisted pattern".
std::string_view to_string(SuppressionReason reason);

struct SuppressedFinding {
  Diagnostic finding;
  SuppressionReason reason;
};

/// Applies the configuration to the findings it governs (applies_to()): drops findings of
/// disabled rules and of allowlisted paths and source lines, and sets configured severities.
/// Order is kept. Returns the dropped findings, so that a tool can say how many were suppressed.
std::vector<SuppressedFinding> apply_rule_config(const RuleConfig& config, Diagnostics& diagnostics,
                                                 const SourceLineLookup& source_line = nullptr);

/// Matches `path` against a glob as described above (exposed for tests and for lint's --scan).
bool glob_match(std::string_view glob, std::string_view path);

}  // namespace awsprof
