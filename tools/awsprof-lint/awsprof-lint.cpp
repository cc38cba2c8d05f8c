// awsprof lint: credential hygiene of the AWS files, and AWS credentials in source trees.
//
//   awsprof lint                  the config and credentials files (lint.hpp)
//   awsprof lint --scan PATH...   files and directories (secret_scan.hpp)
//   awsprof lint --staged         the files staged in the git index (for pre-commit)
//   awsprof lint --install-hook   a plain git pre-commit hook running `awsprof lint --staged`
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "awsprof/checks/lint.hpp"
#include "awsprof/checks/secret_scan.hpp"
#include "common/findings.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;

struct Options {
  std::vector<std::string> scan_paths;
  bool staged = false;
  bool install_hook = false;
  bool force = false;
  bool account_ids = false;
  bool no_progress = false;
};

/// "~/.aws" when the credentials (or config) file lives in a directory named .aws, else "".
std::string aws_directory(const ToolContext& context) {
  for (const std::string& path : {context.credentials_path, context.config_path}) {
    std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) continue;
    std::string dir = path.substr(0, slash);
    if (dir.size() >= 4 && dir.compare(dir.size() - 4, 4, ".aws") == 0) return dir;
  }
  return "";
}

/// Progress on stderr, only when it is a terminal, at most every 100 ms; cleared at the end.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
  }
  void update(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && done != total) return;
    if (!shown_ && now - start_ < std::chrono::milliseconds(300)) return;  // short scans stay quiet
    last_ = now;
    shown_ = true;
    std::cerr << "\rscanning: " << done << "/" << total << " files" << std::flush;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

/// The user's own credentials as hashes (the file's text is wiped once read); empty when missing.
OwnCredentials own_credentials(const ToolContext& context) {
  RealFileSystem fs;
  Result<FileContent> content = fs.read_file(context.credentials_path);
  if (!content || !content->exists) return {};
  return OwnCredentials::from_file_text(content->bytes);
}

/// Reads line `line` of a scanned file on demand (decoded, when it is UTF-16, as the scan
/// decoded it), for .awsprof.toml pattern allowlists.
std::optional<std::string> scanned_line(const std::string& path, int line) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string text = bytes.str();
  if (std::optional<std::string> decoded = decode_utf16(text)) text = std::move(*decoded);
  std::string_view rest = text;
  for (int i = 1; i < line; ++i) {
    const std::size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(eol + 1);
  }
  return std::string(rest.substr(0, rest.find('\n')));
}

int report(const Tool& tool, const FindingsFlags& flags, const RuleConfig& rules, Diagnostics findings,
           const std::vector<FindingSource>& sources, const SourceLineLookup& lines,
           const std::vector<std::string>& errors) {
  int exit = report_findings(tool, flags, rules, std::move(findings), sources, lines,
                             ReportInfo{"awsprof lint", {"lint."}});
  for (const std::string& error : errors) tool.fail(error);
  return errors.empty() ? exit : exit_code(Outcome::error);
}

int lint_files(const Tool& tool, const FindingsFlags& flags, const RuleConfig& rules) {
  auto loaded = load_profiles(tool);
  if (!loaded || !named_files_exist(tool, loaded->config.exists(), loaded->credentials.exists()))
    return exit_code(Outcome::error);
  const ToolContext& context = tool.context();
  LintInput input;
  loaded->parse_layout();
  input.config = loaded->config;
  input.credentials = loaded->credentials;
  input.model = &loaded->model;
  input.aws_directory = aws_directory(context);
  input.current_uid = static_cast<unsigned>(::geteuid());
  input.now = std::time(nullptr);
  input.env = tool.env();
  std::vector<FindingSource> sources = {{input.config.path, input.config.document},
                                        {input.credentials.path, input.credentials.document}};
  return report(tool, flags, rules, lint_aws_files(input), sources, source_lines(sources), {});
}

int scan(const Tool& tool, const FindingsFlags& flags, const RuleConfig& rules, const Options& options) {
  ScanOptions scan_options;
  scan_options.account_ids = options.account_ids;
  auto scanner = SecretScanner::create(scan_options, own_credentials(tool.context()));
  if (!scanner) return tool.fail(scanner.message());
  // Run by a pre-commit hook (--staged, or the pre-commit framework, which sets PRE_COMMIT), a
  // path that is not scanned fails the commit rather than letting it through unread.
  const bool fail_closed = options.staged || tool.env()("PRE_COMMIT").has_value();
  std::vector<std::string> errors;
  ScanReport result;
  if (options.staged) {
    auto staged = scanner->scan_staged("");
    if (!staged) return tool.fail(staged.message());
    result = std::move(*staged);
  } else {
    std::vector<std::string> files;
    std::set<std::string> seen;  // a file named twice is scanned once
    for (const std::string& path : options.scan_paths) {
      auto listed = list_scan_files(path);
      if (!listed) {
        errors.push_back(listed.message());
        continue;
      }
      errors.insert(errors.end(), listed->errors.begin(), listed->errors.end());
      for (const std::string& skipped : listed->skipped) {
        if (fail_closed) {
          errors.push_back(skipped);
        } else {
          tool.warn(skipped);
        }
      }
      for (std::string& file : listed->files) {
        if (seen.insert(file).second) files.push_back(std::move(file));
      }
    }
    Progress progress(!options.no_progress && ::isatty(STDERR_FILENO) == 1);
    result = scanner->scan_files(files,
                                 [&](std::size_t done, std::size_t total) { progress.update(done, total); });
  }
  errors.insert(errors.end(), result.errors.begin(), result.errors.end());
  // Scanned files are never echoed: their lines hold the secrets found.
  SourceLineLookup lines = options.staged ? SourceLineLookup() : SourceLineLookup(scanned_line);
  return report(tool, flags, rules, to_diagnostics(result.findings), {}, lines, errors);
}

int install_hook(const Tool& tool, bool force) {
  auto installed = install_pre_commit_hook("", force);
  if (!installed) return tool.fail(installed.message());
  switch (installed->action) {
    case HookAction::installed:
      std::cout << "installed " << installed->path << '\n';
      break;
    case HookAction::replaced:
      std::cout << "replaced " << installed->path << " (the previous hook is kept as "
                << installed->backup_path << ")\n";
      break;
    case HookAction::unchanged:
      std::cout << installed->path << " is already the awsprof hook\n";
      break;
  }
  return exit_code(Outcome::ok);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("lint", "Check the AWS files' credential hygiene, or look for AWS credentials in files.");
  FindingsFlags flags(tool);
  Options options;
  CLI::App& app = tool.app();
  auto* scan_option = app.add_option("--scan", options.scan_paths,
                                     "Look for AWS credentials in these files and directories (directories "
                                     "honour .gitignore); more paths may follow the other options")
                          ->type_name("PATH...")
                          ->expected(0, -1);
  std::vector<std::string> more_paths;  // pre-commit appends file names after any args
  app.add_option("paths", more_paths, "More paths for --scan")->type_name("PATH...");
  auto* staged_option = app.add_flag("--staged", options.staged,
                                     "Look for AWS credentials in the files staged in the git index");
  auto* hook_option = app.add_flag("--install-hook", options.install_hook,
                                   "Install a git pre-commit hook that runs `awsprof lint --staged`");
  app.add_flag(
      "--force", options.force,
      "With --install-hook: replace an existing, different hook (kept as pre-commit.awsprof-backup)");
  app.add_flag("--account-ids", options.account_ids,
               "With --scan or --staged: also report 12-digit account ids");
  app.add_flag("--no-progress", options.no_progress, "Never show scan progress on stderr");
  scan_option->excludes(staged_option)->excludes(hook_option);
  staged_option->excludes(hook_option);
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (options.install_hook) return install_hook(tool, options.force);
  if (options.force) return tool.fail("--force needs --install-hook");
  if (!more_paths.empty() && scan_option->count() == 0) return tool.fail("paths need --scan");
  options.scan_paths.insert(options.scan_paths.end(), more_paths.begin(), more_paths.end());
  std::erase(options.scan_paths, std::string());  // a bare --scan yields one empty value
  if (scan_option->count() > 0 && options.scan_paths.empty())
    return tool.fail("--scan needs at least one PATH");
  bool scanning = options.staged || scan_option->count() > 0;
  if (options.account_ids && !scanning) return tool.fail("--account-ids needs --scan or --staged");
  RealFileSystem fs;
  auto rules = load_rules(tool, flags, fs);
  if (!rules) return exit_code(Outcome::error);
  return scanning ? scan(tool, flags, *rules, options) : lint_files(tool, flags, *rules);
}
