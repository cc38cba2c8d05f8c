// awsprof set: `aws configure set` for several keys at once, checked against the settings catalogue,
// written losslessly (one atomic write per file), with a --dry-run diff; and the profile operations
// --rename-profile, --copy-profile and --delete-profile.
#include <iostream>
#include <string>
#include <vector>

#include "awsprof/model/settings_catalogue.hpp"
#include "common/config_target.hpp"
#include "common/edit.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;

/// The profile operation asked for, if any.
struct ProfileOperation {
  std::string name;  ///< "rename-profile", "copy-profile" or "delete-profile".
  std::vector<std::string> args;
};

/// Reads one line of standard input for a VALUE of "-": the line without its "\n" (or "\r\n").
std::optional<std::string> read_stdin_line() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return text;
}

/// Turns KEY VALUE pairs into changes; prints every problem and returns nullopt on any.
std::optional<std::vector<PlannedChange>> plan_changes(const Tool& tool, const SectionFlags& sections,
                                                       const EditFlags& flags,
                                                       const std::vector<std::string>& args) {
  std::vector<PlannedChange> changes;
  bool ok = true;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    Result<ResolvedKey> where = resolve_key_argument(tool, sections, args[i]);
    if (!where) {
      ok = false;
      tool.fail(where.message());
      continue;
    }
    std::optional<std::string> value = args[i + 1];
    if (*value == "-") {
      value = read_stdin_line();
      if (!value) {
        ok = false;
        tool.fail("no line on standard input for the value of '" + args[i] + "'");
        continue;
      }
    }
    if (std::string why = check_edit_value(*value); !why.empty()) {
      ok = false;
      tool.fail("the value of '" + args[i] + "': " + why + "; a value is one line");
      continue;
    }
    if (!flags.force) {
      SettingCheck check = check_setting(builtin_catalogue(), where->target, where->key, value);
      if (!check.reason.empty()) {
        ok = false;
        std::string message = check.reason;
        if (!check.suggestions.empty()) message += "; did you mean " + join(check.suggestions) + "?";
        tool.fail(message + " (--force writes it anyway)");
        continue;
      }
    }
    changes.push_back({std::move(*where), std::move(value)});
  }
  if (!ok) return std::nullopt;
  return changes;
}

int run_profile_operation(const Tool& tool, const EditFlags& flags, const ProfileOperation& op) {
  const Dialect dialect = tool.context().dialect;
  auto edit = [&](ConfigFiles& files) -> Status {
    if (op.name == "rename-profile") return rename_profile(files, dialect, op.args[0], op.args[1]);
    if (op.name == "copy-profile") return copy_profile(files, dialect, op.args[0], op.args[1]);
    return delete_profile(files, dialect, op.args[0], flags.force ? Dependents::orphan : Dependents::refuse);
  };
  auto summary = [&]() {
    nlohmann::ordered_json operation{{"name", op.name}};
    if (op.args.size() == 2) {
      operation["from"] = op.args[0];
      operation["to"] = op.args[1];
    } else {
      operation["profile"] = op.args[0];
    }
    return nlohmann::ordered_json{{"operation", operation}};
  };
  return run_edit(tool, flags, edit, summary);
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("set", "Set keys in the AWS config and credentials files, as `aws configure set` does.");
  SectionFlags sections(tool);
  EditFlags flags(tool,
                  "Write unknown keys and values the settings catalogue refuses, edit files the AWS CLI "
                  "cannot parse, and delete a profile others use as their source_profile");
  std::vector<std::string> args;
  std::vector<std::string> rename, copy;
  std::optional<std::string> remove;
  tool.app().add_option("KEY VALUE", args, "Keys and their values; a VALUE of - is read from standard input");
  tool.app()
      .add_option("--rename-profile", rename, "Rename a profile in both files")
      ->type_name("OLD NEW")
      ->expected(2);
  tool.app()
      .add_option("--copy-profile", copy, "Copy a profile to a new one, in both files")
      ->type_name("SRC DST")
      ->expected(2);
  tool.app().add_option("--delete-profile", remove, "Delete a profile from both files")->type_name("NAME");
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (std::string problem = sections.check(tool); !problem.empty()) return usage_error(tool, problem);

  std::vector<ProfileOperation> operations;
  if (!rename.empty()) operations.push_back({"rename-profile", rename});
  if (!copy.empty()) operations.push_back({"copy-profile", copy});
  if (remove) operations.push_back({"delete-profile", {*remove}});
  if (operations.size() > 1)
    return usage_error(tool, "give one of --rename-profile, --copy-profile and --delete-profile");
  if (!operations.empty()) {
    if (!args.empty()) return usage_error(tool, "--" + operations[0].name + " takes no KEY VALUE arguments");
    if (sections.target())
      return usage_error(
          tool, "--" + operations[0].name + " works on profiles, not on --sso-session or --services");
    return run_profile_operation(tool, flags, operations[0]);
  }
  if (args.empty())
    return usage_error(tool, "give KEY VALUE, or one of --rename-profile, --copy-profile, --delete-profile");
  if (args.size() % 2 != 0)
    return usage_error(tool, "'" + args.back() + "' has no value: give KEY VALUE pairs (" +
                                 std::to_string(args.size()) + " arguments given)");

  auto changes = plan_changes(tool, sections, flags, args);
  if (!changes) return exit_code(Outcome::error);
  std::vector<ChangeReport> reports;
  auto edit = [&](ConfigFiles& files) {
    reports.clear();
    return apply_planned(tool, files, *changes, reports);
  };
  auto summary = [&]() { return nlohmann::ordered_json{{"changes", reports_to_json(reports)}}; };
  return run_edit(tool, flags, edit, summary);
}
