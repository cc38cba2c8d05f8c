#include "common/findings.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "common/format.hpp"

namespace awsprof::tool {
namespace {

const Document* document_for(const std::vector<FindingSource>& sources, const std::string& path) {
  for (const FindingSource& source : sources)
    if (source.path == path) return source.document;
  return nullptr;
}

// "file:///abs%20path" for an absolute path, else the relative path, percent-encoded.
std::string path_uri(const std::string& path) {
  static constexpr std::string_view kKeep = "-._~/!$&'()*+,;=:@";
  std::string out = path.starts_with('/') ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || kKeep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The byte column `column` of line `line` as a column in Unicode code points.
int code_point_column(const Document* document, int line, int column) {
  if (document == nullptr || line < 1 || static_cast<std::size_t>(line) > document->lines().size())
    return column;
  std::string_view text = document->line_text(static_cast<std::size_t>(line) - 1);
  std::size_t bytes = std::min(text.size(), static_cast<std::size_t>(column - 1));
  auto code_points = std::count_if(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bytes),
                                   [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  return static_cast<int>(code_points) + 1;
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

/// "16 findings suppressed by PATH (--no-rules shows them)".
std::string suppressed_summary(const Suppressed& suppressed) {
  return plural(suppressed.findings.size(), "finding") + " suppressed by " + suppressed.by +
         " (--no-rules shows them)";
}

void print_text(std::ostream& out, const Diagnostics& findings, const std::vector<FindingSource>& sources,
                bool colour, const Suppressed& suppressed) {
  std::array<std::size_t, 3> counts{};
  for (const Diagnostic& d : findings) {
    print_diagnostic(out, d, document_for(sources, d.path), colour);
    ++counts[static_cast<std::size_t>(d.severity)];
  }
  if (findings.empty() && suppressed.findings.empty()) return;
  out << plural(counts[2], "error") << ", " << plural(counts[1], "warning") << ", "
      << plural(counts[0], "note");
  if (!suppressed.findings.empty()) out << "; " << suppressed_summary(suppressed);
  out << '\n';
}

void print_json_findings(std::ostream& out, const Diagnostics& findings) {
  auto array = nlohmann::ordered_json::array();
  for (const Diagnostic& d : findings) {
    array.push_back({{"path", d.path},
                     {"line", d.line},
                     {"column", d.column},
                     {"severity", to_string(d.severity)},
                     {"rule", d.rule_id},
                     {"message", d.message}});
  }
  print_json(out, array);
}

}  // namespace

FindingsFlags::FindingsFlags(Tool& tool) {
  CLI::App& app = tool.app();
  if (CLI::Option* shared = app.get_option_no_throw("--output")) app.remove_option(shared);
  app.add_option("--output", output_, "Output format (default: text)")
      ->type_name("text|json|sarif")
      ->check(one_of({"text", "json", "sarif"}));
  app.add_option("--fail-on", fail_on_,
                 "Exit 1 when there is a finding of this severity or higher (default: error)")
      ->type_name("error|warning|note")
      ->check(one_of({"error", "warning", "note"}));
  CLI::Option* rules =
      app.add_option("--rules", rules_file_,
                     "Rule configuration (default: .awsprof.toml in the current directory or a parent, for "
                     "the files under its directory)")
          ->type_name("FILE");
  app.add_flag("--no-rules", no_rules_, "Use no rule configuration: report every finding")->excludes(rules);
}

FindingsFormat FindingsFlags::format() const {
  if (output_ == "json") return FindingsFormat::json;
  if (output_ == "sarif") return FindingsFormat::sarif;
  return FindingsFormat::text;
}

Severity FindingsFlags::fail_on() const {
  return parse_severity(fail_on_).value_or(Severity::error);
}

std::optional<RuleConfig> load_rules(const Tool& tool, const FindingsFlags& flags, const FileSystem& fs) {
  if (flags.no_rules()) return RuleConfig();
  std::error_code error;
  std::string cwd = std::filesystem::current_path(error).string();
  Result<RuleConfig> config = load_rule_config(fs, flags.rules_file(), error ? std::string("/") : cwd);
  if (!config) {
    tool.fail(config.message());
    return std::nullopt;
  }
  if (config->problems().empty()) return std::move(*config);
  std::optional<Document> text;
  if (Result<FileContent> content = fs.read_file(config->source_path()); content && content->exists)
    text = Document::parse(std::move(content->bytes));
  for (const Diagnostic& problem : config->problems())
    print_diagnostic(std::cerr, problem, text ? &*text : nullptr, tool.context().stderr_colour);
  tool.fail("invalid rule configuration " + config->source_path());
  return std::nullopt;
}

SourceLineLookup source_lines(const std::vector<FindingSource>& sources) {
  return [sources](const std::string& path, int line) -> std::optional<std::string> {
    const Document* document = document_for(sources, path);
    if (document == nullptr || line < 1 || static_cast<std::size_t>(line) > document->lines().size())
      return std::nullopt;
    return std::string(document->line_text(static_cast<std::size_t>(line) - 1));
  };
}

nlohmann::ordered_json sarif_log(const Diagnostics& findings, const std::vector<FindingSource>& sources,
                                 const ReportInfo& info, const Suppressed& suppressed) {
  using json = nlohmann::ordered_json;
  std::vector<const RuleInfo*> listed;
  for (const RuleInfo& rule : all_rules()) {
    const bool in_area = std::any_of(info.rule_areas.begin(), info.rule_areas.end(),
                                     [&](const std::string& area) { return rule.id.starts_with(area); });
    const bool used = std::any_of(findings.begin(), findings.end(),
                                  [&](const Diagnostic& d) { return d.rule_id == rule.id; }) ||
                      std::any_of(suppressed.findings.begin(), suppressed.findings.end(),
                                  [&](const SuppressedFinding& s) { return s.finding.rule_id == rule.id; });
    if (in_area || used) listed.push_back(&rule);
  }
  json rules = json::array();
  for (const RuleInfo* rule : listed) {
    rules.push_back({{"id", rule->id},
                     {"shortDescription", {{"text", rule->summary}}},
                     {"fullDescription", {{"text", rule->rationale}}},
                     {"defaultConfiguration", {{"level", to_string(rule->default_severity)}}}});
  }
  json results = json::array();
  auto add_result = [&](const Diagnostic& d, const SuppressedFinding* suppression) {
    json location = {{"artifactLocation", {{"uri", path_uri(d.path)}}}};
    if (d.line > 0) {
      json region = {{"startLine", d.line}};
      if (d.column > 0)
        region["startColumn"] = d.code_point_column > 0
                                    ? d.code_point_column
                                    : code_point_column(document_for(sources, d.path), d.line, d.column);
      location["region"] = std::move(region);
    }
    json result = {{"ruleId", d.rule_id}};
    auto index =
        std::find_if(listed.begin(), listed.end(), [&](const RuleInfo* r) { return r->id == d.rule_id; });
    if (index != listed.end()) result["ruleIndex"] = index - listed.begin();
    result["level"] = to_string(d.severity);
    result["message"] = {{"text", d.message}};
    result["locations"] = json::array({{{"physicalLocation", std::move(location)}}});
    if (suppression != nullptr) {
      result["suppressions"] = json::array(
          {{{"kind", "external"},
            {"status", "accepted"},
            {"justification", std::string(to_string(suppression->reason)) + " in " + suppressed.by},
            {"location",
             {{"physicalLocation", {{"artifactLocation", {{"uri", path_uri(suppressed.by)}}}}}}}}});
    }
    results.push_back(std::move(result));
  };
  for (const Diagnostic& d : findings) add_result(d, nullptr);
  for (const SuppressedFinding& s : suppressed.findings) add_result(s.finding, &s);
  json driver = {{"name", info.tool_name}, {"version", AWSPROF_VERSION}, {"rules", std::move(rules)}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", json::array({{{"tool", {{"driver", std::move(driver)}}},
                                 {"columnKind", "unicodeCodePoints"},
                                 {"results", std::move(results)}}})}};
}

void print_findings(std::ostream& out, const Diagnostics& findings, const std::vector<FindingSource>& sources,
                    FindingsFormat format, const ReportInfo& info, bool colour,
                    const Suppressed& suppressed) {
  switch (format) {
    case FindingsFormat::text:
      print_text(out, findings, sources, colour, suppressed);
      break;
    case FindingsFormat::json:
      print_json_findings(out, findings);
      break;
    case FindingsFormat::sarif:
      print_json(out, sarif_log(findings, sources, info, suppressed));
      break;
  }
}

int report_findings(const Tool& tool, const FindingsFlags& flags, const RuleConfig& rules,
                    Diagnostics findings, const std::vector<FindingSource>& sources,
                    const SourceLineLookup& lines, const ReportInfo& info) {
  Suppressed suppressed{apply_rule_config(rules, findings, lines), rules.source_path()};
  print_findings(std::cout, findings, sources, flags.format(), info, tool.context().stdout_colour,
                 suppressed);
  if (flags.format() == FindingsFormat::json && !suppressed.findings.empty())
    std::cerr << tool.display_name() << ": note: " << suppressed_summary(suppressed) << '\n';
  return exit_for(findings, flags.fail_on());
}

int exit_for(const Diagnostics& findings, Severity fail_on) {
  const bool fail = std::any_of(findings.begin(), findings.end(), [&](const Diagnostic& d) {
    return static_cast<int>(d.severity) >= static_cast<int>(fail_on);
  });
  return exit_code(fail ? Outcome::findings : Outcome::ok);
}

}  // namespace awsprof::tool
