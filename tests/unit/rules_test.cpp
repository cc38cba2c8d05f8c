#include "awsprof/checks/rules.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "awsprof/platform/file_system.hpp"

namespace awsprof {
namespace rules_test {

// docs/rules.md, as generated from the registry. Run the unit tests with AWSPROF_UPDATE_DOCS=1 to
// rewrite the file after adding or changing a rule.
std::string rules_markdown() {
  std::string out =
      "# Rules\n\n"
      "Every rule awsprof reports, with its stable id, its default severity and why it exists.\n"
      "Generated from the registry in `libconfig/src/checks/rules.cpp` (the unit test `Rules.DocsMatchRegistry`\n"
      "checks that they agree; run the unit tests with `AWSPROF_UPDATE_DOCS=1` to regenerate it).\n\n"
      "A project file, `.awsprof.toml` (in the current directory or a parent, or given with `--rules "
      "FILE`),\n"
      "can turn rules off, change their severity and allowlist paths and patterns:\n\n"
      "```toml\n"
      "[rules]\n"
      "\"validate.unknown-key\" = \"off\"                  # off | error | warning | note\n"
      "\"validate.dialect-divergence\" = \"note\"\n"
      "\"validate.wrong-file\" = { severity = \"note\", paths = [\"fixtures/**\"] }\n\n"
      "[allow]\n"
      "paths = [\"fixtures/**\", \"*.example\"]            # globs: findings in these files are dropped\n"
      "patterns = [\"AKIAIOSFODNN7EXAMPLE\"]             # regexes: findings on matching lines are dropped\n"
      "```\n\n"
      "In path globs, `*` and `?` match within one path segment and `**` across segments; a glob without\n"
      "`/` matches the file name alone. Globs match the path as reported and the path relative to the\n"
      "directory of the `.awsprof.toml`. An unknown rule id in the file is an error "
      "(`config.unknown-rule`).\n\n"
      "A `.awsprof.toml` found by looking up from the current directory governs only the files under\n"
      "its own directory, never `~/.aws` or other files outside it; one named with `--rules` governs\n"
      "every file, and `--no-rules` uses none. Suppressed findings are always counted: on the last line\n"
      "of the text output (`; 3 findings suppressed by PATH`), on stderr with `--output json`, and as\n"
      "SARIF results with a `suppressions` entry naming the file.\n\n"
      "| Rule | Default severity | Summary |\n|---|---|---|\n";
  for (const RuleInfo& rule : all_rules()) {
    out += "| [`" + std::string(rule.id) + "`](#" + std::string(rule.id) + ") | " +
           to_string(rule.default_severity) + " | " + std::string(rule.summary) + " |\n";
  }
  for (const RuleInfo& rule : all_rules()) {
    out += "\n## " + std::string(rule.id) + "\n\n";
    out += "Severity: **" + std::string(to_string(rule.default_severity)) + "**. " +
           std::string(rule.summary) + "\n\n" + std::string(rule.rationale) + "\n";
  }
  return out;
}

// docs/rules.md may end in sections written by hand (what the secret scan finds, ...), after this
// line; the test keeps them as they are.
constexpr std::string_view kHandWrittenMarker =
    "\n<!-- Written by hand below: Rules.DocsMatchRegistry keeps it. -->\n";

TEST(Rules, DocsMatchRegistry) {
  const std::string path = std::string(AWSPROF_SOURCE_DIR) + "/docs/rules.md";
  std::stringstream in;
  in << std::ifstream(path, std::ios::binary).rdbuf();
  std::string actual = in.str();
  const std::size_t hand_written = actual.find(kHandWrittenMarker);
  const std::string expected =
      rules_markdown() + (hand_written == std::string::npos ? std::string() : actual.substr(hand_written));
  if (std::getenv("AWSPROF_UPDATE_DOCS") != nullptr) {
    std::ofstream(path, std::ios::binary) << expected;
    actual = expected;
  }
  EXPECT_EQ(actual, expected)
      << "docs/rules.md is out of date: run the unit tests with AWSPROF_UPDATE_DOCS=1";
}

TEST(Rules, RegistryIdsAreUniqueKebabCaseWithText) {
  std::set<std::string_view> seen;
  for (const RuleInfo& rule : all_rules()) {
    EXPECT_TRUE(seen.insert(rule.id).second) << rule.id;
    const std::size_t dot = rule.id.find('.');
    ASSERT_NE(dot, std::string_view::npos) << rule.id;
    for (char c : rule.id.substr(dot + 1))
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << rule.id;
    EXPECT_FALSE(rule.summary.empty()) << rule.id;
    EXPECT_FALSE(rule.rationale.empty()) << rule.id;
  }
  EXPECT_NE(find_rule("parse.duplicate-key"), nullptr);
  EXPECT_EQ(find_rule("validate.unknown-key")->default_severity, Severity::warning);
  EXPECT_EQ(find_rule("nope"), nullptr);
}

TEST(Rules, ParseSeverity) {
  EXPECT_EQ(parse_severity("error"), Severity::error);
  EXPECT_EQ(parse_severity("note"), Severity::note);
  EXPECT_EQ(parse_severity("Error"), std::nullopt);
}

TEST(RuleConfig, TurnsOffChangesSeverityAndAllowlists) {
  RuleConfig config = parse_rule_config(
      "[rules]\n\"validate.unknown-key\" = \"off\"\n\"validate.wrong-file\" = \"note\"\n"
      "\"validate.invalid-enum\" = { severity = \"warning\", paths = [\"**/fixtures/*\"] }\n"
      "[allow]\npaths = [\"*.example\"]\npatterns = [\"EXAMPLE$\"]\n",
      "/p/.awsprof.toml");
  ASSERT_TRUE(config.problems().empty()) << config.problems()[0].message;
  EXPECT_FALSE(config.enabled("validate.unknown-key"));
  EXPECT_TRUE(config.enabled("validate.wrong-file"));
  EXPECT_EQ(config.severity("validate.wrong-file", Severity::warning), Severity::note);
  EXPECT_EQ(config.severity("validate.invalid-arn", Severity::error), Severity::error);
  EXPECT_TRUE(config.path_allowed("/home/u/config.example"));
  EXPECT_TRUE(config.path_allowed("/p/a/fixtures/config", "validate.invalid-enum"));
  EXPECT_FALSE(config.path_allowed("/p/a/fixtures/config", "validate.invalid-arn"));
  EXPECT_TRUE(config.text_allowed("key = AKIAIOSFODNN7EXAMPLE"));
  EXPECT_FALSE(config.text_allowed("key = AKIAIOSFODNN7EXAMPLEX"));

  Diagnostics findings = {
      {"/p/config", 1, 1, Severity::warning, "validate.unknown-key", "a"},
      {"/p/config", 2, 1, Severity::warning, "validate.wrong-file", "b"},
      {"/p/config.example", 3, 1, Severity::error, "validate.invalid-arn", "c"},
      {"/p/config", 4, 1, Severity::error, "validate.invalid-arn", "d"},
      {"/p/config", 5, 1, Severity::error, "validate.invalid-arn", "e"},
  };
  std::vector<SuppressedFinding> suppressed =
      apply_rule_config(config, findings, [](const std::string&, int line) -> std::optional<std::string> {
        return line == 5 ? "x = AKIAIOSFODNN7EXAMPLE" : "x = y";
      });
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].message, "b");
  EXPECT_EQ(findings[0].severity, Severity::note);
  EXPECT_EQ(findings[1].message, "d");
  // What was dropped, and why, for the tools to say.
  ASSERT_EQ(suppressed.size(), 3u);
  EXPECT_EQ(suppressed[0].finding.message, "a");
  EXPECT_EQ(suppressed[0].reason, SuppressionReason::rule_off);
  EXPECT_EQ(suppressed[1].finding.message, "c");
  EXPECT_EQ(suppressed[1].reason, SuppressionReason::path_allowed);
  EXPECT_EQ(suppressed[2].finding.message, "e");
  EXPECT_EQ(suppressed[2].reason, SuppressionReason::pattern_allowed);
}

TEST(RuleConfig, AFoundFileGovernsOnlyTheFilesUnderItsDirectory) {
  MemoryFileSystem fs;
  fs.put("/repo/.awsprof.toml",
         "[rules]\n\"lint.example-key\" = \"off\"\n\"lint.could-use-sso\" = \"note\"\n");
  Result<RuleConfig> found = load_rule_config(fs, std::nullopt, "/repo/src");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->applies_to("/repo/examples/credentials"));
  EXPECT_TRUE(found->applies_to("../examples/credentials"));  // relative to /repo/src
  EXPECT_FALSE(found->applies_to("/home/me/.aws/credentials"));
  EXPECT_FALSE(found->applies_to("/repository/credentials"));
  EXPECT_FALSE(found->applies_to("../../home/me/.aws/credentials"));
  Diagnostics findings = {
      {"/home/me/.aws/credentials", 2, 1, Severity::error, "lint.example-key", "mine"},
      {"/home/me/.aws/credentials", 3, 1, Severity::warning, "lint.could-use-sso", "mine too"},
      {"/repo/examples/credentials", 2, 1, Severity::error, "lint.example-key", "the repository's"},
  };
  std::vector<SuppressedFinding> suppressed = apply_rule_config(*found, findings);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].message, "mine");
  EXPECT_EQ(findings[1].severity, Severity::warning);  // not changed outside /repo either
  ASSERT_EQ(suppressed.size(), 1u);
  EXPECT_EQ(suppressed[0].finding.message, "the repository's");

  // A file named with --rules is the user's choice: it governs every file.
  Result<RuleConfig> named = load_rule_config(fs, std::string("/repo/.awsprof.toml"), "/repo/src");
  ASSERT_TRUE(named.ok());
  EXPECT_TRUE(named->applies_to("/home/me/.aws/credentials"));
}

TEST(RuleConfig, UnknownRuleIdIsAnErrorWithFileAndLine) {
  RuleConfig config = parse_rule_config(
      "[rules]\n\"validate.unknown-key\" = \"off\"\n\"validate.regoin\" = \"off\"\n", "/p/.awsprof.toml");
  ASSERT_EQ(config.problems().size(), 1u);
  const Diagnostic& problem = config.problems()[0];
  EXPECT_EQ(problem.path, "/p/.awsprof.toml");
  EXPECT_EQ(problem.line, 3);
  EXPECT_EQ(problem.column, 1);
  EXPECT_EQ(problem.rule_id, "config.unknown-rule");
  EXPECT_EQ(problem.message, "unknown rule id 'validate.regoin'");
}

TEST(RuleConfig, BadValuesAndSyntaxAreReportedInFileOrder) {
  RuleConfig config = parse_rule_config(
      "[rules]\n\"validate.wrong-file\" = \"loud\"\n\"validate.unknown-key\" = 3\n[allow]\npatterns = "
      "[\"(\"]\n"
      "[other]\n",
      "t.toml");
  ASSERT_EQ(config.problems().size(), 4u);
  EXPECT_EQ(config.problems()[0].line, 2);
  EXPECT_EQ(config.problems()[1].line, 3);
  EXPECT_EQ(config.problems()[2].line, 5);
  EXPECT_EQ(config.problems()[3].line, 6);
  for (const Diagnostic& d : config.problems()) EXPECT_EQ(d.rule_id, "config.invalid");

  RuleConfig broken = parse_rule_config("[rules\n", "t.toml");
  ASSERT_EQ(broken.problems().size(), 1u);
  EXPECT_EQ(broken.problems()[0].rule_id, "config.invalid");
  EXPECT_EQ(broken.problems()[0].line, 1);
}

TEST(RuleConfig, FoundInTheDirectoryOrItsParents) {
  MemoryFileSystem fs;
  fs.put("/repo/.awsprof.toml", "[rules]\n\"validate.unknown-key\" = \"off\"\n");
  EXPECT_EQ(find_rule_config(fs, "/repo/a/b"), "/repo/.awsprof.toml");
  EXPECT_EQ(find_rule_config(fs, "/repo"), "/repo/.awsprof.toml");
  EXPECT_EQ(find_rule_config(fs, "/elsewhere"), std::nullopt);

  Result<RuleConfig> found = load_rule_config(fs, std::nullopt, "/repo/a");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->enabled("validate.unknown-key"));
  Result<RuleConfig> none = load_rule_config(fs, std::nullopt, "/elsewhere");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->source_path(), "");
  EXPECT_TRUE(none->enabled("validate.unknown-key"));
  EXPECT_FALSE(load_rule_config(fs, std::string("/missing.toml"), "/repo").ok());
  fs.make_unreadable("/repo/x.toml");
  EXPECT_FALSE(load_rule_config(fs, std::string("/repo/x.toml"), "/repo").ok());
}

TEST(Glob, SegmentsAndDoubleStar) {
  EXPECT_TRUE(glob_match("*.example", "/a/b/c.example"));
  EXPECT_TRUE(glob_match("fixtures/**", "fixtures/a/b"));
  EXPECT_TRUE(glob_match("**/config", "a/b/config"));
  EXPECT_TRUE(glob_match("**/config", "config"));
  EXPECT_TRUE(glob_match("a/*/c", "a/b/c"));
  EXPECT_FALSE(glob_match("a/*/c", "a/b/d/c"));
  EXPECT_TRUE(glob_match("a/?/c", "a/b/c"));
  EXPECT_FALSE(glob_match("/a/*", "a/b"));
}

}  // namespace rules_test
}  // namespace awsprof
