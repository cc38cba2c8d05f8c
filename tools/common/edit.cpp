#include "common/edit.hpp"

#include <iostream>

#include "awsprof/support/secrets.hpp"
#include "awsprof/syntax/unified_diff.hpp"
#include "common/format.hpp"
#include "common/load.hpp"

namespace awsprof::tool {
namespace {

bool is_secret(std::string_view key) {
  std::size_t dot = key.rfind('.');
  return is_secret_key(dot == std::string_view::npos ? key : key.substr(dot + 1));
}

std::string action_of(const std::optional<KeyLocation>& before, const std::optional<KeyLocation>& after) {
  if (!before) return after ? "added" : "absent";
  if (!after) return "removed";
  return before->value == after->value && before->file == after->file ? "unchanged" : "changed";
}

}  // namespace

std::string masked_diff(const std::string& before_text, const std::string& after_text,
                        const std::string& path) {
  Document before = Document::parse(before_text);
  Document after = Document::parse(after_text);
  auto display = [&](DiffSide side, std::size_t index, std::string_view) {
    return masked_source_line(side == DiffSide::before ? before : after, static_cast<int>(index) + 1, 0).text;
  };
  return unified_diff(before, after, path, path, display);
}

std::string dry_run_diff(const ToolContext& context, const EditOutcome& outcome) {
  return masked_diff(outcome.config_before, outcome.config_after, context.config_path) +
         masked_diff(outcome.credentials_before, outcome.credentials_after, context.credentials_path);
}

EditFlags::EditFlags(Tool& tool, const std::string& force_help) : EditFlags(tool.app(), force_help) {}

EditFlags::EditFlags(CLI::App& command, const std::string& force_help) {
  command.add_flag("--dry-run", dry_run, "Print what would change as a unified diff, and write nothing");
  if (!force_help.empty()) command.add_flag("--force", force, force_help);
}

Result<ResolvedKey> resolve_key_argument(const Tool& tool, const SectionFlags& sections,
                                         std::string_view key) {
  if (std::optional<EditTarget> target = sections.target()) return resolve_section_key(*target, key);
  return resolve_configure_key(key, tool.context().profile.name);
}

Status apply_planned(const Tool& tool, ConfigFiles& files, const std::vector<PlannedChange>& changes,
                     std::vector<ChangeReport>& reports) {
  const ToolContext& context = tool.context();
  const Dialect dialect = context.dialect;
  // A key removed from a profile that was named (by --profile, AWS_PROFILE, default.KEY or
  // profile.NAME.KEY) but that the files lack: a usage error, not a silent success. A set creates
  // such a profile, as aws configure set does.
  const std::shared_ptr<const ProfileModel> read = files.read(dialect);
  const ProfileModel& model = *read;
  for (const PlannedChange& change : changes) {
    const EditTarget& target = change.where.target;
    const bool named = change.where.profile_named || (target.name == context.profile.name &&
                                                      context.profile.source != ProfileSource::default_name);
    if (!change.value && target.kind == EditTarget::Kind::profile && named &&
        model.find_profile(target.name) == nullptr)
      return Status::error(missing_profile_message(model, target.name));
  }
  for (const PlannedChange& change : changes) {
    const EditTarget& target = change.where.target;
    std::optional<KeyLocation> before = locate_key(files, dialect, target, change.where.key);
    SettingChange setting{change.where.key, change.value};
    if (Status s = apply_changes(files, dialect, target, std::span<const SettingChange>(&setting, 1)); !s)
      return s;
    std::optional<KeyLocation> after = locate_key(files, dialect, target, change.where.key);
    ChangeReport report;
    report.key = change.where.key;
    report.file = after ? after->file : before ? before->file : file_for_key(change.where.key);
    if (target.kind != EditTarget::Kind::profile) report.file = FileKind::config;
    report.section = section_header(files, dialect, target, report.file);
    report.action = action_of(before, after);
    if (change.value && !is_secret(change.where.key)) report.value = change.value;
    reports.push_back(std::move(report));
  }
  // Lines are those of the finished files, so later changes cannot make earlier ones stale.
  for (std::size_t i = 0; i < changes.size(); ++i) {
    ChangeReport& report = reports[reports.size() - changes.size() + i];
    std::optional<KeyLocation> now =
        locate_key(files, dialect, changes[i].where.target, changes[i].where.key);
    report.line = now && report.action != "removed" && report.action != "absent" ? now->line : 0;
  }
  return Status();
}

nlohmann::ordered_json reports_to_json(const std::vector<ChangeReport>& reports) {
  auto array = nlohmann::ordered_json::array();
  for (const ChangeReport& report : reports) {
    nlohmann::ordered_json item{{"key", report.key},
                                {"file", to_string(report.file)},
                                {"section", report.section},
                                {"action", report.action}};
    if (report.line > 0) item["line"] = report.line;
    if (report.value) {
      item["value"] = *report.value;
    } else if (report.action != "removed" && report.action != "absent") {
      item["secret"] = true;
    }
    array.push_back(std::move(item));
  }
  return array;
}

void print_notes(const Tool& tool, const std::vector<EditNote>& notes) {
  const ToolContext& context = tool.context();
  for (const EditNote& note : notes) {
    std::cerr << tool.display_name() << ": note: ";
    if (note.line > 0)
      std::cerr << (note.file == FileKind::config ? context.config_path : context.credentials_path) << ':'
                << note.line << ": ";
    std::cerr << note.message << '\n';
  }
}

int run_edit(const Tool& tool, const EditFlags& flags, const std::function<Status(ConfigFiles&)>& edit,
             const std::function<nlohmann::ordered_json()>& summary) {
  const ToolContext& context = tool.context();
  // Refuse a file the AWS CLI cannot read before touching it (the diagnostics name file:line).
  std::optional<LoadedProfiles> checked;
  if (!flags.force && !(checked = load_profiles(tool))) return exit_code(Outcome::error);
  std::vector<EditNote> notes;
  auto checked_edit = [&](ConfigFiles& files) -> Status {
    if (!flags.force) {
      // The files may have changed since the check above; this copy is the one being edited.
      // When its bytes are those checked, the check's reading is the edit's first one.
      auto same = [](const InputFile& read, const Document& now) {
        return read.exists() && *read.text == now.text();
      };
      if (checked && same(checked->config, files.config) && same(checked->credentials, files.credentials)) {
        files.readings.adopt(files.config, files.credentials,
                             std::make_shared<const ProfileModel>(std::move(checked->model)));
        checked.reset();
      }
      const std::shared_ptr<const ProfileModel> model = files.read(context.dialect);
      if (model->unreadable())
        return Status::error((model->config_unreadable ? context.config_path : context.credentials_path) +
                             " changed while being edited and cannot be parsed now; run again to see why");
    }
    Status status = edit(files);
    notes = files.notes;
    return status;
  };
  RealFileSystem fs;
  Result<EditOutcome> outcome = edit_config_files(fs, context.config_path, context.credentials_path,
                                                  checked_edit, flags.dry_run, tool.file_access());
  if (!outcome) return tool.fail(outcome.message());
  print_notes(tool, notes);

  std::string diff;
  if (flags.dry_run) diff = dry_run_diff(context, *outcome);
  if (context.output == OutputFormat::json) {
    nlohmann::ordered_json json{{"dry_run", flags.dry_run}};
    auto files = nlohmann::ordered_json::array();
    files.push_back({{"file", "config"},
                     {"path", context.config_path},
                     {"changed", outcome->config_before != outcome->config_after}});
    files.push_back({{"file", "credentials"},
                     {"path", context.credentials_path},
                     {"changed", outcome->credentials_before != outcome->credentials_after}});
    json["files"] = std::move(files);
    nlohmann::ordered_json extra = summary();
    for (auto& [key, value] : extra.items()) json[key] = value;
    if (flags.dry_run) json["diff"] = diff;
    print_json(std::cout, json);
  } else {
    std::cout << diff;
  }
  return exit_code(Outcome::ok);
}

}  // namespace awsprof::tool
