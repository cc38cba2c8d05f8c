// The edit pipeline shared by set and unset: resolving KEY arguments, one locked atomic
// read-modify-write of both files, the --dry-run diff (secrets masked) and the --output json
// summary. A tool builds its list of changes (or a section operation), then calls run_edit().
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/edit/config_edit.hpp"
#include "common/config_target.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// --dry-run and --force. Construct before Tool::parse(); it must outlive it.
class EditFlags {
 public:
  /// `force_help` says what --force overrides for this tool.
  EditFlags(Tool& tool, const std::string& force_help);
  /// The same on a subcommand; without --force when `force_help` is empty.
  EditFlags(CLI::App& command, const std::string& force_help);
  bool dry_run = false;
  bool force = false;
};

/// One key to set (value) or remove (nullopt), with the section it resolved to.
struct PlannedChange {
  ResolvedKey where;
  std::optional<std::string> value;
};

/// What one PlannedChange did, for the JSON summary.
struct ChangeReport {
  std::string key;
  FileKind file = FileKind::config;
  std::string section;               ///< The header text: "profile dev", "default", "sso-session corp".
  std::string action;                ///< "added", "changed", "unchanged", "removed" or "absent".
  int line = 0;                      ///< 1-based line of the key in the edited file; 0 after a removal.
  std::optional<std::string> value;  ///< The new value; never for a secret key.
};

/// Resolves a KEY argument: with --sso-session/--services as KEY or BLOCK.SUB of that section,
/// else the way `aws configure set` does for the selected profile (resolve_configure_key).
Result<ResolvedKey> resolve_key_argument(const Tool& tool, const SectionFlags& sections,
                                         std::string_view key);

/// Applies `changes` in order to `files` as the tool's dialect reads them, appending one report
/// per change to `reports`. Removing a key from a profile that was named but does not exist is
/// refused (missing_profile_message); a set creates such a profile.
Status apply_planned(const Tool& tool, ConfigFiles& files, const std::vector<PlannedChange>& changes,
                     std::vector<ChangeReport>& reports);

/// Prints the notes of an edit on stderr: "awsprof CMD: note: PATH:LINE: message".
void print_notes(const Tool& tool, const std::vector<EditNote>& notes);

/// Runs `edit` on both files of the tool's context as one locked, atomic read-modify-write.
///  - Unless --force, a file the dialect cannot parse is refused first, with its diagnostics.
///  - --dry-run writes nothing and prints a unified diff per changed file, secret values masked.
///  - The edits' notes (a section that looks like the target but is not read as it) go to
///    stderr as "awsprof CMD: note: PATH:LINE: ...".
///  - --output json prints {"dry_run", "files": [{"file", "path", "changed"}], ...summary(),
///    and "diff" on a dry run}; otherwise a real run prints nothing.
/// Errors (I/O, a refused edit) are printed as "awsprof CMD: error: ..."; returns the exit code.
int run_edit(const Tool& tool, const EditFlags& flags, const std::function<Status(ConfigFiles&)>& edit,
             const std::function<nlohmann::ordered_json()>& summary);

/// The unified diff of one file from `before_text` to `after_text`, both headers naming `path`,
/// every line shown with a secret value masked; "" when the texts are equal.
std::string masked_diff(const std::string& before_text, const std::string& after_text,
                        const std::string& path);

/// What --dry-run prints for an edit of the context's two files: the masked diff of the config
/// file, then that of the credentials file.
std::string dry_run_diff(const ToolContext& context, const EditOutcome& outcome);

/// The JSON array of a list of reports.
nlohmann::ordered_json reports_to_json(const std::vector<ChangeReport>& reports);

}  // namespace awsprof::tool
