// awsprof import: credentials from an IAM console CSV, STS JSON or the environment into the
// credentials file; or a team baseline config merged into the user's files.
#include <sys/stat.h>

#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "awsprof/edit/credential_import.hpp"
#include "common/edit.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;
using Json = nlohmann::ordered_json;

struct Options {
  std::optional<std::string> csv, sts_json, baseline, profile_prefix;
  bool from_env = false, skip_invalid = false, overwrite = false, dry_run = false;
  std::optional<std::string> on_conflict;
};

int usage(const Tool& tool, const std::string& message) {
  tool.fail(message);
  std::cerr << "Run '" << tool.display_name() << " --help' for usage.\n";
  return exit_code(Outcome::error);
}

/// Reads a whole input file (or stdin for "-"); a missing file is an error here.
Result<std::string> read_input(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  RealFileSystem fs;
  Result<FileContent> content = fs.read_file(path);
  if (!content) return Result<std::string>::error(content.message());
  if (!content->exists) return Result<std::string>::error(path + ": no such file");
  return std::move(content->bytes);
}

/// Runs `edit` as one locked, atomic write of both files (or a dry run). Prints I/O errors.
std::optional<EditOutcome> run(const Tool& tool, bool dry_run,
                               const std::function<Status(ConfigFiles&)>& edit, std::string& refusal) {
  const ToolContext& context = tool.context();
  RealFileSystem fs;
  std::vector<EditNote> notes;
  Result<EditOutcome> outcome = edit_config_files(
      fs, context.config_path, context.credentials_path,
      [&](ConfigFiles& files) {
        Status s = edit(files);
        if (!s) refusal = s.message();
        notes = files.notes;
        return s;
      },
      dry_run, tool.file_access());
  if (!outcome) {
    if (refusal.empty()) tool.fail(outcome.message());
    return std::nullopt;
  }
  print_notes(tool, notes);
  return std::move(*outcome);
}

/// A warning when an existing credentials file can be read by others (a new one is 0600).
void warn_if_readable(const Tool& tool) {
  struct stat st {};
  const std::string& path = tool.context().credentials_path;
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    std::cerr << tool.display_name() << ": warning: " << path << " has mode " << mode
              << " and can be read by others; run chmod 600 on it\n";
  }
}

// ------------------------------------------------------------------------------------------
// Credentials

int import_keys(const Tool& tool, const Options& options) {
  const ToolContext& context = tool.context();
  const bool named = context.profile.explicit_on_command_line();
  std::vector<ImportedCredential> credentials;
  std::vector<SkippedEntry> skipped;
  if (options.csv) {
    auto text = read_input(*options.csv);
    if (!text) return tool.fail(text.message());
    CsvImportOptions csv_options;
    if (named) csv_options.profile = context.profile.name;
    csv_options.profile_prefix = options.profile_prefix.value_or("");
    csv_options.skip_invalid = options.skip_invalid;
    auto parsed = parse_credentials_csv(*text, csv_options);
    if (!parsed) return tool.fail(*options.csv + ": " + parsed.message());
    credentials = std::move(parsed->credentials);
    skipped = std::move(parsed->skipped);
  } else {
    if (!named)
      return usage(tool, std::string(options.sts_json ? "--sts-json" : "--from-env") + " needs --profile");
    Result<ImportedCredential> credential = options.sts_json ? [&]() -> Result<ImportedCredential> {
      auto text = read_input(*options.sts_json);
      if (!text) return Result<ImportedCredential>::error(text.message());
      return parse_sts_json(*text, *options.sts_json == "-" ? "stdin" : *options.sts_json,
                            context.profile.name);
    }()
        : credentials_from_environment(tool.env(), context.profile.name);
    if (!credential) return tool.fail(credential.message());
    credentials.push_back(std::move(*credential));
  }

  if (!load_profiles(tool)) return exit_code(Outcome::error);  // a file the AWS CLI refuses, with diagnostics
  ImportReport report;
  std::string refusal;
  auto outcome = run(
      tool, options.dry_run,
      [&](ConfigFiles& files) {
        return import_credentials(files, context.dialect, credentials, options.overwrite, context.config_path,
                                  context.credentials_path, report);
      },
      refusal);

  if (context.output == OutputFormat::json) {
    Json json{{"dry_run", options.dry_run}, {"credentials_file", context.credentials_path}};
    auto profiles = Json::array();
    for (const ImportedProfile& p : report.profiles) {
      Json keys = Json::object();
      for (const auto& [key, value] : p.keys) keys[key] = value;
      profiles.push_back({{"name", p.name}, {"action", to_string(p.action)}, {"keys", keys}});
    }
    json["profiles"] = profiles;
    auto skipped_json = Json::array();
    for (const SkippedEntry& s : skipped)
      skipped_json.push_back({{"entry", s.entry}, {"line", s.line}, {"reason", s.reason}});
    json["skipped"] = skipped_json;
    auto conflicts = Json::array();
    for (const KeyConflict& c : report.conflicts)
      conflicts.push_back(
          {{"profile", c.profile}, {"key", c.key}, {"current", c.current}, {"incoming", c.incoming}});
    json["conflicts"] = conflicts;
    if (outcome && options.dry_run) json["diff"] = dry_run_diff(context, *outcome);
    if (!outcome && refusal.empty()) return exit_code(Outcome::error);
    if (!refusal.empty()) json["error"] = refusal;
    print_json(std::cout, json);
  } else {
    if (!outcome && refusal.empty()) return exit_code(Outcome::error);
    for (const SkippedEntry& s : skipped)
      std::cout << "skipped entry #" << s.entry << " (line " << s.line << "): " << s.reason << '\n';
    for (const KeyConflict& c : report.conflicts) {
      std::cout << "conflict: profile " << c.profile << ": " << c.key << " is " << c.current
                << ", import has " << (c.incoming.empty() ? "none (it would be removed)" : c.incoming)
                << '\n';
    }
    if (outcome) {
      if (options.dry_run) std::cout << dry_run_diff(context, *outcome);
      int imported = 0;
      for (const ImportedProfile& p : report.profiles) {
        std::cout << p.name << ": " << to_string(p.action);
        const char* separator = " (";
        for (const auto& [key, value] : p.keys) {
          std::cout << separator << key << " " << value;
          separator = ", ";
        }
        std::cout << ")\n";
        if (p.action != ImportAction::unchanged) ++imported;
      }
      std::cout << (options.dry_run ? "Would import " : "Imported ") << imported << " profile(s) into "
                << context.credentials_path << (options.dry_run ? " (dry run: nothing written)" : "") << '\n';
    }
  }
  if (!refusal.empty()) {
    tool.fail(refusal);
    return exit_code(report.conflicts.empty() ? Outcome::error : Outcome::findings);
  }
  if (!options.dry_run) warn_if_readable(tool);
  return exit_code(Outcome::ok);
}

// ------------------------------------------------------------------------------------------
// The team baseline

std::string entry_label(const MergeEntry& e) {
  return std::string(to_string(e.section)) + " " + e.name + (e.key.empty() ? "" : ": " + e.key);
}

int merge(const Tool& tool, const Options& options, OnConflict on_conflict) {
  const ToolContext& context = tool.context();
  auto text = read_input(*options.baseline);
  if (!text) return tool.fail(text.message());
  Document baseline_document = Document::parse(std::move(*text));
  ProfileModel baseline =
      build_profile_model({*options.baseline, &baseline_document}, {"", nullptr}, Dialect::cli);
  if (baseline.config_unreadable) {
    for (const Diagnostic& d : baseline.diagnostics)
      if (d.severity == Severity::error)
        print_diagnostic(std::cerr, d, &baseline_document, context.stderr_colour);
    return tool.fail("the AWS CLI cannot parse the baseline " + *options.baseline);
  }
  if (!load_profiles(tool)) return exit_code(Outcome::error);

  MergeReport report;
  std::string refusal;
  auto outcome = run(
      tool, options.dry_run,
      [&](ConfigFiles& files) {
        return merge_baseline(files, context.dialect, baseline, on_conflict, context.config_path,
                              context.credentials_path,
                              report);
      },
      refusal);
  if (!outcome && refusal.empty()) return exit_code(Outcome::error);

  if (context.output == OutputFormat::json) {
    auto entries = [](const std::vector<MergeEntry>& list, bool with_values, bool conflicts) {
      auto array = Json::array();
      for (const MergeEntry& e : list) {
        Json item{{"section", to_string(e.section)}, {"name", e.name}};
        if (with_values) item["key"] = e.key;
        if (conflicts) {
          item["mine"] = e.mine;
          item["theirs"] = e.theirs;
          item["taken"] = e.taken;
        } else if (with_values) {
          item["value"] = e.theirs;
        }
        array.push_back(std::move(item));
      }
      return array;
    };
    Json json{{"dry_run", options.dry_run},
              {"added_sections", entries(report.added_sections, false, false)},
              {"added_keys", entries(report.added_keys, true, false)},
              {"conflicts", entries(report.conflicts, true, true)},
              {"ignored", report.ignored}};
    if (outcome && options.dry_run) json["diff"] = dry_run_diff(context, *outcome);
    if (!refusal.empty()) json["error"] = refusal;
    print_json(std::cout, json);
  } else {
    for (const MergeEntry& e : report.added_sections) std::cout << "added " << entry_label(e) << '\n';
    for (const MergeEntry& e : report.added_keys)
      std::cout << "added " << entry_label(e) << " = " << e.theirs << '\n';
    for (const MergeEntry& e : report.conflicts) {
      std::cout << "conflict " << entry_label(e) << ": yours " << e.mine << ", baseline " << e.theirs << " ("
                << (e.taken   ? "took the baseline's"
                    : outcome ? "kept yours"
                              : "nothing written")
                << ")\n";
    }
    for (const std::string& i : report.ignored) std::cout << "ignored " << i << '\n';
    if (outcome) {
      if (options.dry_run) std::cout << dry_run_diff(context, *outcome);
      if (!report.changed()) std::cout << "nothing to merge: your files already have the baseline\n";
    }
  }
  if (!refusal.empty()) {
    tool.fail(refusal);
    return exit_code(report.conflicts.empty() ? Outcome::error : Outcome::findings);
  }
  // Conflicts kept as the user has them are findings.
  bool kept = std::any_of(report.conflicts.begin(), report.conflicts.end(),
                          [](const MergeEntry& e) { return !e.taken; });
  return exit_code(kept ? Outcome::findings : Outcome::ok);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool(
      "import",
      "Import credentials from an IAM console CSV, STS JSON or the environment into the credentials file, "
      "or merge a team baseline config file into yours.");
  Options options;
  CLI::App& app = tool.app();
  app.add_option("--csv", options.csv, "An IAM console access-key CSV file")->type_name("FILE");
  app.add_option(
         "--sts-json", options.sts_json,
         "The JSON printed by `aws sts get-session-token` or `assume-role` (- for stdin); needs --profile")
      ->type_name("FILE|-");
  app.add_flag(
      "--from-env", options.from_env,
      "The credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; needs --profile");
  app.add_option("--config", options.baseline, "A team baseline config file to merge into your files")
      ->type_name("FILE");
  app.add_option("--profile-prefix", options.profile_prefix,
                 "With --csv: put PREFIX before every profile name")
      ->type_name("PREFIX");
  app.add_flag("--skip-invalid", options.skip_invalid,
               "With --csv: skip rows with a missing value instead of failing");
  app.add_flag("--overwrite", options.overwrite, "Replace the keys of a profile that already has other keys");
  app.add_option("--on-conflict", options.on_conflict,
                 "With --config: keep your value (default), take the baseline's, or fail")
      ->type_name("keep|theirs|fail");
  app.add_flag("--dry-run", options.dry_run, "Print what would change as a unified diff, and write nothing");
  if (auto exit = tool.parse(argc, argv)) return *exit;

  int sources = (options.csv ? 1 : 0) + (options.sts_json ? 1 : 0) + (options.from_env ? 1 : 0) +
                (options.baseline ? 1 : 0);
  if (sources != 1) return usage(tool, "give exactly one of --csv, --sts-json, --from-env and --config");
  if ((options.profile_prefix || options.skip_invalid) && !options.csv)
    return usage(tool, "--profile-prefix and --skip-invalid go with --csv");
  if (options.baseline) {
    if (options.overwrite)
      return usage(tool, "--overwrite does not go with --config; use --on-conflict=theirs");
    if (tool.context().profile.explicit_on_command_line())
      return usage(tool, "--profile does not go with --config");
    std::optional<OnConflict> on_conflict = parse_on_conflict(options.on_conflict.value_or("keep"));
    if (!on_conflict)
      return usage(
          tool, "invalid value '" + *options.on_conflict + "' for --on-conflict (expected keep|theirs|fail)");
    return merge(tool, options, *on_conflict);
  }
  if (options.on_conflict) return usage(tool, "--on-conflict goes with --config; use --overwrite");
  return import_keys(tool, options);
}
