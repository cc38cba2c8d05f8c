// Findings reporting, shared by validate and lint: the --output text|json|sarif, --fail-on and
// --rules flags, .awsprof.toml loading, and the three output formats.
//
//   text   compiler style: "path:line:col: error|warning|note: message [rule-id]", then the source
//          line (secret values masked) and a caret under the column; colour only on a terminal
//          and never with NO_COLOR or TERM=dumb. A last line counts the findings (and those
//          .awsprof.toml suppressed, naming it).
//   json   a stable array of {"path", "line", "column", "severity", "rule", "message"} objects;
//          line and column are 1-based (column in bytes), 0 when the finding is about a whole file.
//   sarif  SARIF 2.1.0: tool.driver.rules from the rule registry, results with physicalLocation and
//          region (columns in Unicode code points).
//
// Exit status (exit_for()): 1 when a finding is at or above --fail-on (default error), else 0.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/syntax/document.hpp"
#include "awsprof/platform/file_system.hpp"
#include "awsprof/checks/rules.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

enum class FindingsFormat { text, json, sarif };

/// The findings flags of one tool. Construct it before Tool::parse(): it replaces the shared
/// --output (text|table|json) with --output text|json|sarif, and adds --fail-on and --rules.
/// The object must outlive parsing (CLI11 writes into it).
class FindingsFlags {
 public:
  explicit FindingsFlags(Tool& tool);
  FindingsFlags(const FindingsFlags&) = delete;
  FindingsFlags& operator=(const FindingsFlags&) = delete;

  FindingsFormat format() const;
  Severity fail_on() const;
  const std::optional<std::string>& rules_file() const { return rules_file_; }
  bool no_rules() const { return no_rules_; }

 private:
  std::string output_ = "text";
  std::string fail_on_ = "error";
  std::optional<std::string> rules_file_;
  bool no_rules_ = false;
};

/// Loads --rules FILE, else the .awsprof.toml in the current directory or its parents (governing
/// only the files under its directory), else (or with --no-rules) the empty configuration. On an
/// I/O error, or problems in the file (unknown rule ids, ...), prints them on stderr
/// (path:line:col, the line, a caret) and returns nullopt: exit with exit_code(Outcome::error).
std::optional<RuleConfig> load_rules(const Tool& tool, const FindingsFlags& flags, const FileSystem& fs);

/// A file findings point into, for echoing source lines (nullptr document: none to echo).
struct FindingSource {
  std::string path;
  const Document* document = nullptr;
};

/// The source-line lookup apply_rule_config() needs for pattern allowlists.
SourceLineLookup source_lines(const std::vector<FindingSource>& sources);

/// What to print about the tool in SARIF, and which registry rules to list there.
struct ReportInfo {
  std::string tool_name = "awsprof";
  /// Rule id prefixes listed in tool.driver.rules ("parse.", "validate."); rules that occur in the
  /// findings are always listed.
  std::vector<std::string> rule_areas;
};

/// The findings a rule configuration dropped, and the file that configured it.
struct Suppressed {
  std::vector<SuppressedFinding> findings;
  std::string by;  ///< The .awsprof.toml (or --rules FILE).
};

/// Prints the findings in `format` to `out`. Text uses colour when `colour`. The suppressed ones
/// are counted on text's last line ("...; 3 suppressed by PATH") and are SARIF results with a
/// suppression (kind external, naming the file and the reason); json lists only the findings.
void print_findings(std::ostream& out, const Diagnostics& findings, const std::vector<FindingSource>& sources,
                    FindingsFormat format, const ReportInfo& info, bool colour, const Suppressed& suppressed = {});

/// The SARIF 2.1.0 log for the findings (for tests).
nlohmann::ordered_json sarif_log(const Diagnostics& findings, const std::vector<FindingSource>& sources,
                                 const ReportInfo& info, const Suppressed& suppressed = {});

/// What validate and lint do with their findings: applies `rules` (apply_rule_config), prints the
/// rest on stdout in the flags' format (print_findings), and with json, whose array holds findings
/// only, says on stderr how many were suppressed and by which file. Returns exit_for(fail_on).
int report_findings(const Tool& tool, const FindingsFlags& flags, const RuleConfig& rules, Diagnostics findings,
                    const std::vector<FindingSource>& sources, const SourceLineLookup& lines,
                    const ReportInfo& info);

/// 1 when a finding is at or above `fail_on`, else 0.
int exit_for(const Diagnostics& findings, Severity fail_on);

}  // namespace awsprof::tool
