#include "awsprof/edit/config_edit.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "text_util.hpp"

namespace awsprof {

namespace {

// The AWS CLI's three, and aws_expiration, which describes the session token beside it.
constexpr std::string_view kCredentialKeys[] = {"aws_access_key_id", "aws_secret_access_key",
                                                "aws_session_token", "aws_expiration"};

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
    if (std::string why = check_edit_key(parent); !why.empty())
      return Status::error("'" + change.key + "': " + why);
  }
  if (std::string why = check_edit_key(sub); !why.empty())
    return Status::error("'" + change.key + "': " + why);
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
      return Status::error("the profile name '" + std::string(name) +
                           "' contains a character a header cannot hold");
  return Status();
}

// `aws configure set` checks `parts[0] in PREDEFINED_SECTION_NAMES`, where that constant is the
// string 'plugins' rather than a tuple, so any substring of "plugins" names a plain section.
bool is_predefined_section(std::string_view name) {
  return std::string_view("plugins").find(name) != std::string_view::npos;
}

std::string join_dots(std::span<const std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += (out.empty() ? "" : ".") + std::string(part);
  return out;
}

// A kind of section: its catalogue scope, and how messages name it.
struct KindWords {
  std::string_view scope;
  std::string_view place;
};
constexpr KindWords kKindWords[] = {
    {"profile", "a profile"},                                 // EditTarget::Kind::profile
    {"sso-session", "an [sso-session] section"},              // EditTarget::Kind::sso_session
    {"services", "a service block of a [services] section"},  // EditTarget::Kind::services
    {"plugins", "that section"},                              // EditTarget::Kind::section
};
const KindWords& words_for(EditTarget::Kind kind) {
  return kKindWords[static_cast<std::size_t>(kind)];
}

std::string where_it_belongs(const SettingSpec& spec) {
  std::string places;
  for (const std::string& scope : spec.scopes) {
    std::string place = scope == "profile"       ? "a profile"
                        : scope == "sso-session" ? "[sso-session NAME]"
                        : scope == "services"    ? "[services NAME] (as SERVICE." + spec.name + ")"
                        : scope == "plugins"     ? "[plugins]"
                        : scope == "service"     ? "a service block"
                                                 : "the " + scope + " block (" + spec.name + ")";
    places += (places.empty() ? "" : " or ") + place;
  }
  return places;
}

// A file that did not end in a line ending still does not after an edit: text appended after its
// last line gives that line an ending, and the new last line goes without one.
void keep_missing_final_eol(const Document& before, Document& after) {
  const std::string& old_text = before.text();
  const std::string& new_text = after.text();
  if (old_text.empty() || new_text.empty() || old_text.back() == '\n' || old_text.back() == '\r') return;
  std::size_t cut = new_text.size();
  if (new_text.ends_with("\r\n")) {
    cut -= 2;
  } else if (new_text.back() == '\n' || new_text.back() == '\r') {
    cut -= 1;
  } else {
    return;
  }
  after = Document::parse(new_text.substr(0, cut));
}

// Replaces `files` by `edited`, keeping each file's missing final line ending.
void commit(ConfigFiles& files, ConfigFiles& edited) {
  keep_missing_final_eol(files.config, edited.config);
  keep_missing_final_eol(files.credentials, edited.credentials);
  files = std::move(edited);
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
    case EditTarget::Kind::sso_session:
      return SectionName{"sso-session", target.name};
    case EditTarget::Kind::services:
      return SectionName{"services", target.name};
    case EditTarget::Kind::section:
      return SectionName{"", target.name};
    case EditTarget::Kind::profile:
      break;
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

Result<ResolvedKey> resolve_configure_key(std::string_view varname, std::string_view selected_profile) {
  using R = Result<ResolvedKey>;
  const std::string quoted = "'" + std::string(varname) + "'";
  if (varname.empty()) return R::error("the key is empty");
  std::vector<std::string_view> parts = detail::split(varname, '.');
  for (std::string_view part : parts)
    if (part.empty()) return R::error(quoted + " has an empty part between dots");
  ResolvedKey resolved{{EditTarget::Kind::profile, std::string(selected_profile)}, std::string(varname)};
  if (parts.size() == 1) return resolved;
  std::span<const std::string_view> rest(parts);
  if (parts[0] == "default" || parts[0] == "profile") {
    if (parts[0] == "profile") {
      if (parts.size() < 3) return R::error(quoted + " names no key: use profile.NAME.KEY");
      resolved.target.name = std::string(parts[1]);
      rest = rest.subspan(2);
    } else {
      resolved.target.name = "default";
      rest = rest.subspan(1);
    }
  } else if (is_predefined_section(parts[0])) {
    if (parts.size() != 2)
      return R::error(quoted + " has too many dots for a key of [" + std::string(parts[0]) + "]");
    resolved.target = {EditTarget::Kind::section, std::string(parts[0])};
    rest = rest.subspan(1);
  }
  if (rest.size() > 2) return R::error(quoted + " has too many dots: a key is KEY or BLOCK.SUBKEY");
  resolved.key = join_dots(rest);
  if (resolved.target.kind == EditTarget::Kind::section && resolved.key.find('.') != std::string::npos)
    return R::error(quoted + " has too many dots");
  return resolved;
}

Result<ResolvedKey> resolve_section_key(const EditTarget& target, std::string_view varname) {
  using R = Result<ResolvedKey>;
  if (varname.empty()) return R::error("the key is empty");
  std::vector<std::string_view> parts = detail::split(varname, '.');
  for (std::string_view part : parts)
    if (part.empty()) return R::error("'" + std::string(varname) + "' has an empty part between dots");
  if (parts.size() > 2)
    return R::error("'" + std::string(varname) + "' has too many dots: a key is KEY or BLOCK.SUBKEY");
  return ResolvedKey{target, std::string(varname)};
}

SettingCheck check_setting(const SettingsCatalogue& catalogue, const EditTarget& target, std::string_view key,
                           const std::optional<std::string>& value) {
  SettingCheck check;
  auto [parent, sub] = split_dotted(key);
  const std::string_view scope = words_for(target.kind).scope;
  const SettingSpec* spec = nullptr;
  if (target.kind == EditTarget::Kind::services) {
    // [services NAME] holds blocks named after services, each with endpoint_url and the like.
    if (parent.empty()) {
      check.reason =
          "a key of [services " + target.name + "] goes in a service block: SERVICE." + std::string(key);
      return check;
    }
    spec = catalogue.find(sub);
    if (spec == nullptr || !spec->allowed_in("services")) spec = nullptr;
  } else {
    spec = catalogue.find(key);
    // A nested key belongs wherever its block does.
    const SettingSpec* block = parent.empty() ? spec : catalogue.find(parent);
    if (spec != nullptr && !parent.empty() && block != nullptr && !block->allowed_in(scope)) spec = nullptr;
    if (spec != nullptr && parent.empty() && !spec->allowed_in(scope)) {
      check.reason = std::string(key) + " does not belong in " + std::string(words_for(target.kind).place) +
                     "; it belongs in " + where_it_belongs(*spec);
      return check;
    }
  }
  if (spec == nullptr) {
    check.unknown = true;
    check.suggestions = catalogue.suggest(target.kind == EditTarget::Kind::services ? sub : key);
    check.reason =
        "unknown setting '" + std::string(key) + "' in " + std::string(words_for(target.kind).place);
    return check;
  }
  if (value) check.reason = check_value(*spec, *value);
  return check;
}

std::optional<KeyLocation> locate_key(const ConfigFiles& files, const EditTarget& target,
                                      std::string_view key) {
  auto [parent, sub] = split_dotted(key);
  FileKind kind =
      target.kind == EditTarget::Kind::profile && parent.empty() ? file_for_key(key) : FileKind::config;
  const Document& doc = files.of(kind);
  const SectionRange* section = doc.find_section(section_for(target, kind, doc));
  if (section == nullptr) return std::nullopt;
  const PropertyRange* property = doc.find_property(*section, parent.empty() ? sub : parent);
  if (property == nullptr) return std::nullopt;
  std::size_t line = property->line;
  if (!parent.empty()) {
    std::optional<std::size_t> found = doc.find_sub_property(*property, sub);
    if (!found) return std::nullopt;
    line = *found;
  }
  return KeyLocation{kind, static_cast<int>(line) + 1, std::string(doc.value_of(line))};
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
      if (!parent.empty()) {
        // Refused here rather than by the document, whose message would quote the value.
        const SectionRange* range = doc.find_section(section);
        const PropertyRange* block = range ? doc.find_property(*range, parent) : nullptr;
        if (block != nullptr && !doc.lines()[block->line].value.empty())
          return Status::error("cannot set '" + change.key + "': '" + std::string(parent) +
                               "' has a value, not a block of sub-properties");
      }
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
  commit(files, edited);
  return Status();
}

Status rename_profile(ConfigFiles& files, std::string_view from, std::string_view to) {
  if (Status s = check_profile_name(to); !s) return s;
  if (!profile_exists(files, from))
    return Status::error("the profile '" + std::string(from) + "' does not exist");
  if (from != to && profile_exists(files, to))
    return Status::error("the profile '" + std::string(to) + "' already exists");
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
  // Profiles that take their credentials from the renamed one follow it (its own
  // "source_profile = OLD", which uses its static keys, included).
  for (FileKind kind : {FileKind::config, FileKind::credentials}) {
    Document& doc = edited.of(kind);
    std::vector<SectionName> referring;
    for (const SectionRange& range : doc.sections()) {
      SectionName name = doc.section_name(range);
      const bool is_profile = kind == FileKind::credentials
                                  ? name.prefix.empty()
                                  : name.prefix == "profile" || (name.prefix.empty() && name.name == "default");
      const PropertyRange* reference = is_profile ? doc.find_property(range, "source_profile") : nullptr;
      if (reference != nullptr && doc.value_of(reference->line) == from) referring.push_back(std::move(name));
    }
    for (const SectionName& name : referring)
      if (Status s = doc.set_property(name, "source_profile", to); !s) return s;
  }
  commit(files, edited);
  return Status();
}

Status copy_profile(ConfigFiles& files, std::string_view from, std::string_view to) {
  if (Status s = check_profile_name(to); !s) return s;
  if (!profile_exists(files, from))
    return Status::error("the profile '" + std::string(from) + "' does not exist");
  if (profile_exists(files, to)) return Status::error("the profile '" + std::string(to) + "' already exists");
  ConfigFiles edited{Document::parse(files.config.text()), Document::parse(files.credentials.text())};
  EditTarget source{EditTarget::Kind::profile, std::string(from)};
  EditTarget destination{EditTarget::Kind::profile, std::string(to)};
  for (FileKind kind : {FileKind::config, FileKind::credentials}) {
    Document& doc = edited.of(kind);
    const SectionRange* section = doc.find_section(section_for(source, kind, doc));
    if (section == nullptr) continue;
    // The body is copied byte for byte, so comments, blocks and continued values come along.
    std::string body(doc.section_body(*section));
    if (Status s = doc.add_section(section_for(destination, kind, doc), body); !s) return s;
  }
  commit(files, edited);
  return Status();
}

Status delete_profile(ConfigFiles& files, std::string_view name) {
  if (!profile_exists(files, name))
    return Status::error("the profile '" + std::string(name) + "' does not exist");
  EditTarget target{EditTarget::Kind::profile, std::string(name)};
  ConfigFiles edited{Document::parse(files.config.text()), Document::parse(files.credentials.text())};
  for (FileKind kind : {FileKind::config, FileKind::credentials}) {
    Document& doc = edited.of(kind);
    if (kind == FileKind::config && name == "default") {
      doc.remove_section(SectionName{"", "default"});
      doc.remove_section(SectionName{"profile", "default"});
    } else {
      doc.remove_section(section_for(target, kind, doc));
    }
  }
  commit(files, edited);
  return Status();
}

Result<EditOutcome> edit_config_files(FileSystem& fs, const std::string& config_path,
                                      const std::string& credentials_path,
                                      const std::function<Status(ConfigFiles&)>& edit, bool dry_run,
                                      const FileAccessOptions& options) {
  EditOutcome outcome;
  // Some users point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at one file. Each side of the
  // edit then starts from that file, and at most one side may change it.
  const bool one_file = fs.same_file(config_path, credentials_path);
  auto run_edit = [&](const std::vector<FileContent>& current) -> Result<std::vector<std::string>> {
    using R = Result<std::vector<std::string>>;
    ConfigFiles files{Document::parse(current[0].bytes), Document::parse(current[1].bytes)};
    outcome.config_before = current[0].bytes;
    outcome.credentials_before = current[1].bytes;
    if (Status s = edit(files); !s) return R::error(s.message());
    outcome.config_after = files.config.text();
    outcome.credentials_after = files.credentials.text();
    if (one_file && outcome.config_after != outcome.config_before &&
        outcome.credentials_after != outcome.credentials_before)
      return R::error("the config file (" + config_path + ") and the credentials file (" + credentials_path +
                      ") are one file, and this edit changes it both as config and as credentials: writing one "
                      "would lose the other, so nothing was written. Make the credential-key changes and the "
                      "other changes in separate commands");
    return std::vector<std::string>{outcome.config_after, outcome.credentials_after};
  };
  if (dry_run) {
    // A dry run takes no lock and creates nothing, not even a missing ~/.aws.
    auto current = fs.read_files({config_path, credentials_path}, options);
    if (!current) return Result<EditOutcome>::error(current.message());
    auto edited = run_edit(*current);
    if (!edited) return Result<EditOutcome>::error(edited.message());
    return outcome;
  }
  if (Status io = update_files(fs, {config_path, credentials_path}, run_edit, options); !io)
    return Result<EditOutcome>::error(io.message());
  return outcome;
}

}  // namespace awsprof
