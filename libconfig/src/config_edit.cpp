#include "awsprof/config_edit.hpp"

#include <algorithm>

#include "text_util.hpp"

namespace awsprof {

namespace {

constexpr std::string_view kCredentialKeys[] = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"};

bool is_default_header(const SectionName& name) {
  return name.name == "default" && (name.prefix.empty() || name.prefix == "profile");
}

// Splits "s3.max_bandwidth" into parent and sub-key; a key without a dot has no parent.
std::pair<std::string_view, std::string_view> split_dotted(std::string_view key) {
  std::size_t dot = key.find('.');
  if (dot == std::string_view::npos) return {{}, key};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

Status check_change(const SettingChange& change) {
  auto [parent, sub] = split_dotted(change.key);
  if (!parent.empty()) {
    if (std::string why = check_edit_key(parent); !why.empty()) return Status::error("'" + change.key + "': " + why);
  }
  if (std::string why = check_edit_key(sub); !why.empty()) return Status::error("'" + change.key + "': " + why);
  if (change.value) {
    if (std::string why = check_edit_value(*change.value); !why.empty())
      return Status::error("the value of '" + change.key + "': " + why);
  }
  return Status();
}

Status check_profile_name(std::string_view name) {
  if (name.empty()) return Status::error("the profile name is empty");
  for (char c : name)
    if (c == '\r' || c == '\n' || c == '\0' || c == '[' || c == ']')
      return Status::error("the profile name '" + std::string(name) + "' contains a character a header cannot hold");
  return Status();
}

bool profile_exists(ConfigFiles& files, std::string_view name) {
  EditTarget target{EditTarget::Kind::profile, std::string(name)};
  for (FileKind kind : {FileKind::config, FileKind::credentials})
    if (files.of(kind).find_section(section_for(target, kind, files.of(kind))) != nullptr) return true;
  return false;
}

}  // namespace

FileKind file_for_key(std::string_view key) {
  for (std::string_view credential : kCredentialKeys)
    if (detail::iequals(key, credential)) return FileKind::credentials;
  return FileKind::config;
}

SectionName section_for(const EditTarget& target, FileKind file, const Document& document) {
  switch (target.kind) {
    case EditTarget::Kind::sso_session: return SectionName{"sso-session", target.name};
    case EditTarget::Kind::services: return SectionName{"services", target.name};
    case EditTarget::Kind::profile: break;
  }
  if (file == FileKind::credentials) return SectionName{"", target.name};
  if (target.name != "default") return SectionName{"profile", target.name};
  // The AWS CLI reads whichever of [default] and [profile default] comes later.
  for (auto it = document.sections().rbegin(); it != document.sections().rend(); ++it) {
    SectionName name = document.section_name(*it);
    if (is_default_header(name)) return name;
  }
  return SectionName{"", "default"};
}

Status apply_changes(ConfigFiles& files, const EditTarget& target, std::span<const SettingChange> changes) {
  for (const SettingChange& change : changes)
    if (Status s = check_change(change); !s) return s;
  ConfigFiles edited{Document::parse(files.config.text()), Document::parse(files.credentials.text())};
  for (const SettingChange& change : changes) {
    auto [parent, sub] = split_dotted(change.key);
    FileKind kind = target.kind == EditTarget::Kind::profile && parent.empty() ? file_for_key(change.key)
                                                                                : FileKind::config;
    Document& doc = edited.of(kind);
    SectionName section = section_for(target, kind, doc);
    if (change.value) {
      Status s = parent.empty() ? doc.set_property(section, sub, *change.value)
                                : doc.set_sub_property(section, parent, sub, *change.value);
      if (!s) return Status::error("cannot set '" + change.key + "': " + s.message());
    } else {
      if (parent.empty()) {
        doc.unset_property(section, sub);
      } else {
        doc.unset_sub_property(section, parent, sub);
      }
      if (doc.section_is_empty(section)) doc.remove_section(section);
    }
  }
  files = std::move(edited);
  return Status();
}

Status rename_profile(ConfigFiles& files, std::string_view from, std::string_view to) {
  if (Status s = check_profile_name(to); !s) return s;
  if (!profile_exists(files, from)) return Status::error("the profile '" + std::string(from) + "' does not exist");
  if (from != to && profile_exists(files, to)) return Status::error("the profile '" + std::string(to) + "' already exists");
  ConfigFiles edited{Document::parse(files.config.text()), Document::parse(files.credentials.text())};
  for (FileKind kind : {FileKind::config, FileKind::credentials}) {
    Document& doc = edited.of(kind);
    EditTarget old_target{EditTarget::Kind::profile, std::string(from)};
    SectionName old_name = section_for(old_target, kind, doc);
    if (doc.find_section(old_name) == nullptr) continue;
    // The default profile may be [default] or [profile default]; any other name needs the prefix.
    SectionName new_name = kind == FileKind::credentials ? SectionName{"", std::string(to)}
                           : to == "default"             ? SectionName{"", "default"}
                                                         : SectionName{"profile", std::string(to)};
    if (Status s = doc.rename_section(old_name, new_name); !s) return s;
  }
  files = std::move(edited);
  return Status();
}

Status copy_profile(ConfigFiles& files, std::string_view from, std::string_view to) {
  if (Status s = check_profile_name(to); !s) return s;
  if (!profile_exists(files, from)) return Status::error("the profile '" + std::string(from) + "' does not exist");
  if (profile_exists(files, to)) return Status::error("the profile '" + std::string(to) + "' already exists");
  ConfigFiles edited{Document::parse(files.config.text()), Document::parse(files.credentials.text())};
  EditTarget source{EditTarget::Kind::profile, std::string(from)};
  EditTarget destination{EditTarget::Kind::profile, std::string(to)};
  for (FileKind kind : {FileKind::config, FileKind::credentials}) {
    Document& doc = edited.of(kind);
    const SectionRange* section = doc.find_section(section_for(source, kind, doc));
    if (section == nullptr) continue;
    // Collect first: every edit re-indexes the document.
    std::vector<SettingChange> changes;
    const Document& original = files.of(kind);
    const SectionRange* original_section = original.find_section(section_for(source, kind, original));
    for (const PropertyRange& property : original_section->properties) {
      std::string key(original.key_of(property.line));
      bool has_subs = false;
      for (std::size_t i = property.line + 1; i <= property.last_line; ++i) {
        if (original.lines()[i].kind != LineKind::sub_property) continue;
        has_subs = true;
        changes.push_back({key + "." + std::string(original.key_of(i)), std::string(original.value_of(i))});
      }
      if (!has_subs) changes.push_back({key, std::string(original.value_of(property.line))});
    }
    SectionName new_name = section_for(destination, kind, doc);
    if (doc.find_section(new_name) == nullptr) {
      if (Status s = doc.add_section(new_name); !s) return s;
    }
    for (const SettingChange& change : changes) {
      auto [parent, sub] = split_dotted(change.key);
      Status s = parent.empty() ? doc.set_property(new_name, sub, *change.value)
                                : doc.set_sub_property(new_name, parent, sub, *change.value);
      if (!s) return s;
    }
  }
  files = std::move(edited);
  return Status();
}

Status delete_profile(ConfigFiles& files, std::string_view name) {
  if (!profile_exists(files, name)) return Status::error("the profile '" + std::string(name) + "' does not exist");
  EditTarget target{EditTarget::Kind::profile, std::string(name)};
  for (FileKind kind : {FileKind::config, FileKind::credentials}) {
    Document& doc = files.of(kind);
    if (kind == FileKind::config && name == "default") {
      doc.remove_section(SectionName{"", "default"});
      doc.remove_section(SectionName{"profile", "default"});
    } else {
      doc.remove_section(section_for(target, kind, doc));
    }
  }
  return Status();
}

Result<EditOutcome> edit_config_files(FileSystem& fs, const std::string& config_path,
                                      const std::string& credentials_path,
                                      const std::function<Status(ConfigFiles&)>& edit, bool dry_run) {
  EditOutcome outcome;
  auto run_edit = [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
    ConfigFiles files{Document::parse(current[0].bytes), Document::parse(current[1].bytes)};
    outcome.config_before = current[0].bytes;
    outcome.credentials_before = current[1].bytes;
    if (Status s = edit(files); !s) return Result<std::vector<std::string>>::error(s.message());
    outcome.config_after = files.config.text();
    outcome.credentials_after = files.credentials.text();
    return std::vector<std::string>{outcome.config_after, outcome.credentials_after};
  };
  if (dry_run) {
    // A dry run takes no lock and creates nothing, not even a missing ~/.aws.
    std::vector<FileContent> current;
    for (const std::string& path : {config_path, credentials_path}) {
      auto content = fs.read_file(path);
      if (!content) return Result<EditOutcome>::error(content.message());
      current.push_back(std::move(*content));
    }
    auto edited = run_edit(current);
    if (!edited) return Result<EditOutcome>::error(edited.message());
    return outcome;
  }
  if (Status io = update_files(fs, {config_path, credentials_path}, run_edit); !io)
    return Result<EditOutcome>::error(io.message());
  return outcome;
}

}  // namespace awsprof
