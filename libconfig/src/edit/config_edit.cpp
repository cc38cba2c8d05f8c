#include "awsprof/edit/config_edit.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

#include "read_back.hpp"
#include "text_util.hpp"
#include "unicode_text.hpp"

namespace awsprof {

namespace {

// The AWS CLI's three, and aws_expiration, which describes the session token beside it.
constexpr std::string_view kCredentialKeys[] = {"aws_access_key_id", "aws_secret_access_key",
                                                "aws_session_token", "aws_expiration"};

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

// ---- The reader decides -------------------------------------------------------------------
// Which section, which line and which header: every answer below comes from the dialect's
// reader (build_profile_model) run on the documents as they are at that moment, or on a line
// alone. No rule of how headers, keys or values are read is repeated here.

const char* reader_name(Dialect dialect) {
  return dialect == Dialect::cli ? "the AWS CLI" : "the AWS SDKs";
}

// Only the AWS CLI reads plain sections such as [plugins]; the SDKs ignore them.
Dialect reader_for(const EditTarget& target, Dialect dialect) {
  return target.kind == EditTarget::Kind::section ? Dialect::cli : dialect;
}

std::shared_ptr<const ProfileModel> read_files(const ConfigFiles& files, Dialect dialect) {
  return files.read(dialect);
}

constexpr EditTarget::Kind kKinds[] = {EditTarget::Kind::profile, EditTarget::Kind::sso_session,
                                       EditTarget::Kind::services, EditTarget::Kind::section};

const std::vector<Section>& sections_of(const ProfileModel& model, EditTarget::Kind kind) {
  switch (kind) {
    case EditTarget::Kind::sso_session:
      return model.sso_sessions;
    case EditTarget::Kind::services:
      return model.services;
    case EditTarget::Kind::section:
      return model.other_sections;
    case EditTarget::Kind::profile:
      break;
  }
  return model.profiles;
}

const Section* find_target(const ProfileModel& model, const EditTarget& target) {
  for (const Section& section : sections_of(model, target.kind))
    if (section.name == target.name) return &section;
  return nullptr;
}

int header_line(const Section& section, FileKind file) {
  return file == FileKind::config ? section.config_line : section.credentials_line;
}

std::string describe(const EditTarget& target) {
  switch (target.kind) {
    case EditTarget::Kind::sso_session:
      return "[sso-session " + target.name + "]";
    case EditTarget::Kind::services:
      return "[services " + target.name + "]";
    case EditTarget::Kind::section:
      return "[" + target.name + "]";
    case EditTarget::Kind::profile:
      break;
  }
  return "the profile '" + target.name + "'";
}

std::string in_file(FileKind file, int line) {
  return "line " + std::to_string(line) + " of the " + to_string(file) + " file";
}

// What the reader makes of `text` alone as a file of that kind.
ProfileModel read_alone(Dialect dialect, FileKind file, std::string text) {
  Document probe = Document::parse(std::move(text));  // the model keeps the bytes it needs
  InputFile in("", &probe);
  InputFile none("", nullptr);
  return file == FileKind::config ? build_profile_model(in, none, dialect) : build_profile_model(none, in, dialect);
}

// What the reader makes of `line` alone in a file of that kind: the section it names, if any;
// else `why` (when given) receives the reader's reason, if it gives one.
std::optional<EditTarget> read_header(Dialect dialect, FileKind file, std::string_view line,
                                      std::string* why = nullptr) {
  ProfileModel model = read_alone(dialect, file, std::string(line) + "\n");
  for (EditTarget::Kind kind : kKinds)
    for (const Section& section : sections_of(model, kind))
      if (header_line(section, file) == 1) return EditTarget{kind, std::string(section.name)};
  if (why != nullptr && !model.diagnostics.empty()) *why = model.diagnostics.front().message;
  return std::nullopt;
}

// The text between the brackets of the header awsprof writes for the target.
std::string header_for(const EditTarget& target, FileKind file) {
  switch (target.kind) {
    case EditTarget::Kind::sso_session:
      return format_section_header({"sso-session", target.name});
    case EditTarget::Kind::services:
      return format_section_header({"services", target.name});
    case EditTarget::Kind::section:
      return target.name;
    case EditTarget::Kind::profile:
      break;
  }
  if (file == FileKind::credentials || target.name == "default") return target.name;
  return format_section_header({"profile", target.name});
}

// The header awsprof would write for the target, once the reader has read it back as the target.
Result<std::string> writable_header(Dialect dialect, FileKind file, const EditTarget& target) {
  using R = Result<std::string>;
  if (target.name.empty()) return R::error("cannot write " + describe(target) + ": the name is empty");
  if (target.name.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    return R::error("cannot write a name that holds a line break or a NUL byte: a header is one line");
  std::string header = header_for(target, file);
  std::string why;
  std::optional<EditTarget> named = read_header(dialect, file, "[" + header + "]", &why);
  if (named == target) return header;
  return R::error("cannot write " + describe(target) + ": " + reader_name(dialect) +
                  " would read the header [" + header + "] in the " + to_string(file) + " file " +
                  (named ? "as " + describe(*named) : std::string("as no section of its own")) +
                  (why.empty() ? "" : " (" + why + ")"));
}

// True when the reader takes the line of `source` from a section that it reads as the target
// itself, and not, say, from the [DEFAULT] section every section of a file inherits.
bool owns(const ConfigFiles& files, Dialect dialect, const EditTarget& target, const SourceRef& source) {
  const Document& doc = files.of(source.file);
  const SectionRange* section =
      source.line > 0 ? doc.section_at(static_cast<std::size_t>(source.line - 1)) : nullptr;
  return section != nullptr && read_header(dialect, source.file, doc.line_text(section->header)) == target;
}

// The headers (line indices) of the sections of `file` the reader takes `section` (read as
// `target`) from: the one it names, and any other it takes a setting from (the SDKs merge
// sections of one name), in file order.
std::vector<std::size_t> sections_read_as(const ConfigFiles& files, Dialect dialect, const EditTarget& target,
                                          const Section& section, FileKind file) {
  const Document& doc = files.of(file);
  std::vector<std::size_t> headers;
  auto take = [&](int line) {
    const SectionRange* range = line > 0 ? doc.section_at(static_cast<std::size_t>(line - 1)) : nullptr;
    if (range != nullptr && std::find(headers.begin(), headers.end(), range->header) == headers.end())
      headers.push_back(range->header);
  };
  take(header_line(section, file));
  for (const Setting& setting : section.settings)
    if (setting.source.file == file && owns(files, dialect, target, setting.source))
      take(setting.source.line);
  std::sort(headers.begin(), headers.end());
  return headers;
}

// Appends a section for the target to one file (with `body`), with a note for each section there
// that looks like the target to a person but is not read as it. Returns the header's line index.
Result<std::size_t> append_target_section(ConfigFiles& files, Dialect dialect, const EditTarget& target,
                                          FileKind file, std::string_view body = {}) {
  Result<std::string> header = writable_header(dialect, file, target);
  if (!header) return Result<std::size_t>::error(header.message());
  Document& doc = files.of(file);
  const SectionName looks_like = parse_section_name(*header);
  for (const SectionRange& section : doc.sections()) {
    if (doc.section_name(section) != looks_like) continue;
    const int line = static_cast<int>(section.header) + 1;
    files.notes.push_back({file, line,
                           "[" + std::string(doc.key_of(section.header)) + "] is not read as " +
                               describe(target) + " by " + reader_name(dialect) + ", so [" + *header +
                               "] is added; awsprof validate says why"});
  }
  if (Status s = doc.append_section(*header, body); !s) return Result<std::size_t>::error(s.message());
  return doc.sections().back().header;
}

// How the reader reads "key = value" (or, for "parent.sub", "parent =" over "    sub = value")
// in a section of the target's kind: the key as it names it, the sub-key, and the value.
struct KeyReading {
  std::string key;
  std::string sub;
  std::string value;
};
Result<KeyReading> read_setting(Dialect dialect, FileKind file, EditTarget::Kind kind, std::string_view key,
                                std::string_view value) {
  using R = Result<KeyReading>;
  auto [parent, sub] = split_dotted(key);
  const EditTarget probe_target{kind, "p"};
  std::string text =
      "[" + header_for(probe_target, file) + "]\n" +
      (parent.empty() ? std::string(key) + " = " + std::string(value)
                      : std::string(parent) + " =\n    " + std::string(sub) + " = " + std::string(value)) +
      "\n";
  ProfileModel model = read_alone(dialect, file, std::move(text));
  const Section* section = find_target(model, probe_target);
  const Setting* setting = nullptr;
  if (section != nullptr)
    for (const Setting& s : section->settings)
      if (s.source.line == 2) setting = &s;
  const SubProperty* sub_property = setting != nullptr && !parent.empty() &&
                                            setting->sub_properties != nullptr &&
                                            setting->sub_properties->size() == 1
                                        ? &setting->sub_properties->front()
                                        : nullptr;
  if (setting == nullptr || (!parent.empty() && sub_property == nullptr)) {
    std::string why = model.diagnostics.empty() ? "" : " (" + model.diagnostics.front().message + ")";
    return R::error("'" + std::string(key) + "': " + reader_name(dialect) + " would not read it as a key" +
                    why);
  }
  KeyReading reading{std::string(setting->key), sub_property ? std::string(sub_property->key) : "",
                     std::string(sub_property ? sub_property->value : setting->value)};
  // Whitespace around a value is dropped, as `aws configure set` lets the AWS CLI drop it; the
  // SDKs, which drop only spaces and tabs, refuse the rest here.
  if (reading.value != detail::python_strip(value))
    return R::error("the value of '" + std::string(key) + "' would not read back as written: " +
                    reader_name(dialect) + " would read it differently");
  return reading;
}

// ---- Checking a result by reading it back ---------------------------------------------------

// Everything the reader reads from the two files: each section, by kind and name, with its
// settings. A section is the model's own (the snapshot keeps the model), or, where an edit expects
// something no file holds yet, a map of settings, a block's sub-properties beside the block itself
// as block + kSubKey + sub (a key may hold a dot, never a line break).
using Settings = std::map<std::string, std::string>;
constexpr char kSubKey = '\n';

Settings settings_of(const Section& section) {
  Settings settings;
  for (const Setting& setting : section.settings) {
    const std::string key(setting.key);
    settings[key] = setting.value;
    if (setting.sub_properties != nullptr)
      for (const SubProperty& sub : *setting.sub_properties)
        settings[key + kSubKey + std::string(sub.key)] = sub.value;
  }
  return settings;
}

struct SectionReading {
  const Section* read = nullptr;  ///< The model's section, when not `expected`.
  std::optional<Settings> expected;
  Settings settings() const { return expected ? *expected : settings_of(*read); }
  std::optional<std::string_view> value(const std::string& key) const {
    if (expected) {
      auto it = expected->find(key);
      return it == expected->end() ? std::nullopt : std::optional<std::string_view>(it->second);
    }
    std::optional<std::string_view> found;  // the last, as in settings_of()
    for (const Setting& setting : read->settings)
      if (setting.key == key) found = setting.value;
    return found;
  }
};

// Two sections read the same when their settings do: settings listed alike are (the usual case,
// a section no edit touched), else their maps are compared.
bool listed_alike(const Section& a, const Section& b) {
  auto same_subs = [](const Setting& x, const Setting& y) {
    if (x.sub_properties == nullptr || y.sub_properties == nullptr)
      return x.sub_properties == y.sub_properties;
    return std::equal(x.sub_properties->begin(), x.sub_properties->end(), y.sub_properties->begin(),
                      y.sub_properties->end(), [](const SubProperty& p, const SubProperty& q) {
                        return p.key == q.key && p.value == q.value;
                      });
  };
  return std::equal(a.settings.begin(), a.settings.end(), b.settings.begin(), b.settings.end(),
                    [&](const Setting& x, const Setting& y) {
                      return x.key == y.key && x.value == y.value && same_subs(x, y);
                    });
}
bool read_alike(const SectionReading& a, const SectionReading& b) {
  if (a.read != nullptr && b.read != nullptr && !a.expected && !b.expected && listed_alike(*a.read, *b.read))
    return true;
  return a.settings() == b.settings();
}

// Names are views into the model, or into the EditTarget of an expected section (which the edit
// keeps for as long as the snapshot).
using SectionKey = std::pair<EditTarget::Kind, std::string_view>;
struct SectionKeyHash {
  std::size_t operator()(const SectionKey& key) const {
    return std::hash<std::string_view>()(key.second) ^ static_cast<std::size_t>(key.first);
  }
};
using SectionMap = std::unordered_map<SectionKey, SectionReading, SectionKeyHash>;

// What the reader reads, as the model says, or, once an edit has said what it expects instead
// (expect()), as that map says.
class Snapshot {
 public:
  explicit Snapshot(std::shared_ptr<const ProfileModel> model) : model_(std::move(model)) {
    if (model_->unreadable())
      for (const Diagnostic& d : model_->diagnostics)
        if (d.severity == Severity::error) {
          refusal_ = d;
          break;
        }
  }
  const ProfileModel& model() const { return *model_; }
  const std::optional<Diagnostic>& refusal() const { return refusal_; }
  bool expected() const { return expected_.has_value(); }
  /// Every section by kind and name.
  SectionMap sections() const {
    if (expected_) return *expected_;
    SectionMap map;
    std::size_t count = 0;
    for (EditTarget::Kind kind : kKinds) count += sections_of(*model_, kind).size();
    map.reserve(count);
    for (EditTarget::Kind kind : kKinds)
      for (const Section& section : sections_of(*model_, kind)) map[{kind, section.name}] = {&section, {}};
    return map;
  }
  /// The sections, to be changed into what an edit expects.
  SectionMap& expect() {
    if (!expected_) expected_ = sections();
    return *expected_;
  }
  std::optional<SectionReading> find(const EditTarget& target) const {
    if (expected_) {
      auto it = expected_->find({target.kind, target.name});
      return it == expected_->end() ? std::nullopt : std::optional<SectionReading>(it->second);
    }
    const Section* section = find_target(*model_, target);
    return section == nullptr ? std::nullopt : std::optional<SectionReading>(SectionReading{section, {}});
  }

 private:
  std::shared_ptr<const ProfileModel> model_;  // the views point into it
  std::optional<SectionMap> expected_;
  std::optional<Diagnostic> refusal_;
};

Snapshot snapshot(const ConfigFiles& files, Dialect dialect) {
  return Snapshot(read_files(files, dialect));
}

std::optional<SectionReading> find(const Snapshot& snap, const EditTarget& target) {
  return snap.find(target);
}

// A section the reader does not read and one it reads without settings mean the same to a user.
Settings settings_or_none(const std::optional<SectionReading>& section) {
  return section ? section->settings() : Settings{};
}

// True when the two models read every section not `touched` alike, listed in the same order
// (as they are after an edit that moved no section): a quick walk that needs no lookups. False
// says only that the walk found a difference in what it compared or in the order.
bool untouched_alike_in_order(const ProfileModel& before, const ProfileModel& after,
                              const std::function<bool(EditTarget::Kind, std::string_view)>& untouched) {
  for (EditTarget::Kind kind : kKinds) {
    const std::vector<Section>& was = sections_of(before, kind);
    const std::vector<Section>& now = sections_of(after, kind);
    std::size_t i = 0, j = 0;
    while (true) {
      while (i < was.size() && !untouched(kind, was[i].name)) ++i;
      while (j < now.size() && !untouched(kind, now[j].name)) ++j;
      if (i == was.size() || j == now.size()) {
        if (i != was.size() || j != now.size()) return false;
        break;
      }
      if (was[i].name != now[j].name || !read_alike({&was[i], {}}, {&now[j], {}})) return false;
      ++i;
      ++j;
    }
  }
  return true;
}

// What an edit is meant to have done, compared with what the reader reads afterwards: "" when
// they agree, else what differs. `touched` are the sections the edit may change; every other
// one must read exactly as before, and the files must stay readable if they were.
std::string compare(const Snapshot& before, const Snapshot& after, std::span<const EditTarget> touched) {
  if (!before.refusal() && after.refusal())
    return "the " + std::string(after.refusal()->path) + " file could not be read any more (line " +
           std::to_string(after.refusal()->line) + ": " + after.refusal()->message + ")";
  auto untouched = [&](EditTarget::Kind kind, std::string_view name) {
    return std::none_of(touched.begin(), touched.end(),
                        [&](const EditTarget& t) { return t.kind == kind && t.name == name; });
  };
  if (!before.expected() && !after.expected() &&
      untouched_alike_in_order(before.model(), after.model(), untouched))
    return "";
  // The first difference in the order of kind and name, whatever order the sections are held in.
  const SectionMap was = before.sections(), now = after.sections();
  std::optional<SectionKey> differs, appears;
  auto first = [](std::optional<SectionKey>& found, const SectionKey& key) {
    if (!found || key < *found) found = key;
  };
  for (const auto& [key, section] : was) {
    if (!untouched(key.first, key.second)) continue;
    auto it = now.find(key);
    if (it == now.end() || !read_alike(it->second, section)) first(differs, key);
  }
  if (differs) return describe({differs->first, std::string(differs->second)}) + " would read differently";
  for (const auto& [key, section] : now)
    if (untouched(key.first, key.second) && was.count(key) == 0) first(appears, key);
  if (appears) return describe({appears->first, std::string(appears->second)}) + " would appear";
  return "";
}

Status unexpected(const std::string& what, const std::string& difference) {
  return Status::error(what + ": the result would not read back as intended (" + difference +
                       "); nothing written");
}

// A copy to edit (the documents share their texts until one is changed), so that a refused edit
// leaves the files as they were.
ConfigFiles working_copy(const ConfigFiles& files) {
  return files;
}

// Replaces `files` by `edited`, keeping each file's missing final line ending.
void commit(ConfigFiles& files, ConfigFiles& edited) {
  keep_missing_final_eol(files.config, edited.config);
  keep_missing_final_eol(files.credentials, edited.credentials);
  files = std::move(edited);
}

// The profiles other than `name` whose source_profile the reader reads as `name`, with the line
// each takes it from.
std::vector<std::pair<std::string, SourceRef>> source_profile_references(const ProfileModel& model,
                                                                         std::string_view name) {
  std::vector<std::pair<std::string, SourceRef>> references;
  for (const Section& profile : model.profiles) {
    const Setting* source = profile.find("source_profile");
    if (source != nullptr && source->value == name) references.emplace_back(profile.name, source->source);
  }
  return references;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + ("'" + names[i] + "'");
  return text;
}

// Applies `step` to `files` until the reader no longer takes a section (or line) for what it
// looks for: `step` returns false when there is nothing left to do. A step that changes neither
// file would repeat forever, so it is an error.
template <typename Step>
Status repeat_until_done(ConfigFiles& files, const std::string& what, Step step) {
  const std::size_t most = files.config.lines().size() + files.credentials.lines().size() + 2;
  for (std::size_t round = 0; round < most; ++round) {
    const std::string config_before = files.config.text(), credentials_before = files.credentials.text();
    Result<bool> more = step();
    if (!more) return more.status();
    if (!*more) return Status();
    if (files.config.text() == config_before && files.credentials.text() == credentials_before)
      return Status::error(what + ": cannot find the line the reader takes; nothing written");
  }
  return Status::error(what + ": too many sections to change; nothing written");
}

// Where a set puts a key the reader does not take from a section of the target itself: the file
// the inherited value comes from, else the key's own file.
FileKind file_for_new_key(const EditTarget& target, std::string_view key, const Setting* inherited) {
  if (inherited != nullptr) return inherited->source.file;
  return target.kind == EditTarget::Kind::profile && split_dotted(key).first.empty() ? file_for_key(key)
                                                                                     : FileKind::config;
}

Status set_key(ConfigFiles& files, Dialect dialect, const EditTarget& target, const std::string& key,
               const std::string& value) {
  auto [parent, sub] = split_dotted(key);
  // The document's own refusals say what, not which key.
  auto named = [&key](Status s) { return s ? s : Status::error("cannot set '" + key + "': " + s.message()); };
  const std::shared_ptr<const ProfileModel> model = read_files(files, dialect);
  const Section* section = find_target(*model, target);
  Result<KeyReading> wanted =
      read_setting(dialect, file_for_new_key(target, key, nullptr), target.kind, key, value);
  if (!wanted) return wanted.status();
  const Setting* current = section != nullptr ? section->find(wanted->key) : nullptr;
  if (current != nullptr && owns(files, dialect, target, current->source)) {
    Document& doc = files.of(current->source.file);
    const auto line = static_cast<std::size_t>(current->source.line - 1);
    if (parent.empty()) return named(doc.set_value_at(line, value));
    if (current->sub_properties == nullptr && !current->value.empty())
      return named(Status::error("'" + std::string(parent) + "' has a value, not a block of sub-properties"));
    const PropertyRange* block = doc.property_at(line);
    if (block == nullptr) return named(Status::error("cannot find the line the reader takes it from"));
    if (std::optional<std::size_t> at = doc.find_sub_property(*block, sub))
      return named(doc.set_value_at(*at, value));
    return named(
        doc.set_sub_property_in(doc.section_at(line)->header, std::string(doc.key_of(line)), sub, value));
  }
  const FileKind file = file_for_new_key(target, key, current);
  std::size_t header = 0;
  if (const int line = section != nullptr ? header_line(*section, file) : 0; line > 0) {
    header = static_cast<std::size_t>(line - 1);
  } else {
    Result<std::size_t> added = append_target_section(files, dialect, target, file);
    if (!added) return added.status();
    header = *added;
  }
  Document& doc = files.of(file);
  return named(parent.empty() ? doc.set_property_in(header, key, value)
                              : doc.set_sub_property_in(header, parent, sub, value));
}

Status unset_key(ConfigFiles& files, Dialect dialect, const EditTarget& target, const std::string& key) {
  // Named, not a structured binding: the lambda below uses them (clang 14 cannot capture those).
  const std::string_view parent = split_dotted(key).first, sub = split_dotted(key).second;
  const std::string what = "cannot unset '" + key + "'";
  // Any value will do: the reader's name for the key is what is looked for.
  Result<KeyReading> wanted =
      read_setting(dialect, file_for_new_key(target, key, nullptr), target.kind, key, "x");
  if (!wanted) return Status();  // a key the reader does not read is not set
  return repeat_until_done(files, what, [&]() -> Result<bool> {
    const std::shared_ptr<const ProfileModel> model = read_files(files, dialect);
    const Section* section = find_target(*model, target);
    const Setting* current = section != nullptr ? section->find(wanted->key) : nullptr;
    if (current == nullptr || (!parent.empty() && current->find_sub(wanted->sub) == nullptr)) return false;
    if (!owns(files, dialect, target, current->source))
      return Result<bool>::error(what + " for " + describe(target) + ": " + reader_name(dialect) +
                                 " takes it from " + in_file(current->source.file, current->source.line) +
                                 ", which every section of that file inherits; change it there");
    Document& doc = files.of(current->source.file);
    const auto line = static_cast<std::size_t>(current->source.line - 1);
    const std::size_t header = doc.section_at(line)->header;
    if (parent.empty()) {
      doc.remove_property_at(line);
    } else if (const PropertyRange* block = doc.property_at(line)) {
      if (std::optional<std::size_t> at = doc.find_sub_property(*block, sub)) doc.remove_sub_property_at(*at);
    }
    // A section left empty goes too, unless that changes what the reader reads (an earlier
    // section of the same name, or [DEFAULT] values, would then show through).
    if (doc.section_at(header)->properties.empty()) {
      ConfigFiles without = working_copy(files);
      without.of(current->source.file).remove_section_at(header);
      const Snapshot before = snapshot(files, dialect), after = snapshot(without, dialect);
      if (settings_or_none(find(before, target)) == settings_or_none(find(after, target)) &&
          compare(before, after, std::span<const EditTarget>(&target, 1)).empty())
        files.of(current->source.file) = std::move(without.of(current->source.file));
    }
    return true;
  });
}
}  // namespace

std::string detail::read_back_difference(const ConfigFiles& before, const ConfigFiles& after, Dialect dialect,
                                         std::span<const EditTarget> touched) {
  return compare(snapshot(before, dialect), snapshot(after, dialect), touched);
}

std::shared_ptr<const ProfileModel> ReadingCache::get(const Document& config, const Document& credentials,
                                                      Dialect dialect) const {
  // Kept by the entry, a text can be matched by its address: no document changes it in place.
  const std::shared_ptr<const std::string> config_text = config.shared_text(),
                                           credentials_text = credentials.shared_text();
  for (const Entry& entry : entries_)
    if (entry.dialect == dialect && entry.config == config_text && entry.credentials == credentials_text)
      return entry.model;
  auto model = std::make_shared<const ProfileModel>(
      build_profile_model({"config", &config}, {"credentials", &credentials}, dialect));
  keep({config_text, credentials_text, dialect, model});
  return model;
}

void ReadingCache::adopt(const Document& config, const Document& credentials,
                         std::shared_ptr<const ProfileModel> model) {
  const Dialect dialect = model->dialect;
  keep({config.shared_text(), credentials.shared_text(), dialect, std::move(model)});
}

void ReadingCache::keep(Entry entry) const {
  // An edit reads the files before and after each step: a few readings are all it goes back to.
  constexpr std::size_t kKept = 4;
  if (entries_.size() == kKept) entries_.erase(entries_.begin());
  entries_.push_back(std::move(entry));
}

FileKind file_for_key(std::string_view key) {
  for (std::string_view credential : kCredentialKeys)
    if (detail::iequals(key, credential)) return FileKind::credentials;
  return FileKind::config;
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
    resolved.profile_named = true;
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

std::string section_header(const ConfigFiles& files, Dialect dialect, const EditTarget& target,
                           FileKind file) {
  const std::shared_ptr<const ProfileModel> model = read_files(files, reader_for(target, dialect));
  const Section* section = find_target(*model, target);
  const int line = section != nullptr ? header_line(*section, file) : 0;
  if (line > 0) return std::string(files.of(file).key_of(static_cast<std::size_t>(line - 1)));
  return header_for(target, file);
}

std::optional<KeyLocation> locate_key(const ConfigFiles& files, Dialect dialect, const EditTarget& target,
                                      std::string_view key) {
  dialect = reader_for(target, dialect);
  auto [parent, sub] = split_dotted(key);
  Result<KeyReading> wanted =
      read_setting(dialect, file_for_new_key(target, key, nullptr), target.kind, key, "x");
  if (!wanted) return std::nullopt;
  const std::shared_ptr<const ProfileModel> model = read_files(files, dialect);
  const Section* section = find_target(*model, target);
  const Setting* setting = section != nullptr ? section->find(wanted->key) : nullptr;
  if (setting == nullptr) return std::nullopt;
  if (parent.empty())
    return KeyLocation{setting->source.file, setting->source.line, std::string(setting->value)};
  const SubProperty* found = setting->find_sub(wanted->sub);
  if (found == nullptr) return std::nullopt;
  std::optional<int> line = files.of(setting->source.file).sub_property_line(setting->source.line, sub);
  return KeyLocation{setting->source.file, line.value_or(setting->source.line), std::string(found->value)};
}

Status apply_changes(ConfigFiles& files, Dialect dialect, const EditTarget& target,
                     std::span<const SettingChange> changes) {
  for (const SettingChange& change : changes)
    if (Status s = check_change(change); !s) return s;
  dialect = reader_for(target, dialect);
  ConfigFiles edited = working_copy(files);
  const Snapshot before = snapshot(files, dialect);
  // What the target should read as afterwards: every key as before, but for those changed.
  std::optional<Settings> intended;
  if (const std::optional<SectionReading> existing = find(before, target)) intended = existing->settings();
  std::map<std::string, std::optional<std::string>> changed;  // by the reader's name for the key
  for (const SettingChange& change : changes) {
    Status s = change.value ? set_key(edited, dialect, target, change.key, *change.value)
                            : unset_key(edited, dialect, target, change.key);
    if (!s) return s;
    Result<KeyReading> reading = read_setting(dialect, file_for_new_key(target, change.key, nullptr),
                                              target.kind, change.key, change.value.value_or("x"));
    if (!reading) continue;  // an unset of a key the reader never reads
    const std::string name = reading->sub.empty() ? reading->key : reading->key + kSubKey + reading->sub;
    changed[name] = change.value ? std::optional<std::string>(reading->value) : std::nullopt;
  }
  const Snapshot after = snapshot(edited, dialect);
  const std::string what = "cannot change " + describe(target);
  if (std::string difference = compare(before, after, std::span<const EditTarget>(&target, 1));
      !difference.empty())
    return unexpected(what, difference);
  Settings now = settings_or_none(find(after, target));
  for (const auto& [name, value] : changed) {
    auto it = now.find(name);
    std::string shown = name;
    std::replace(shown.begin(), shown.end(), kSubKey, '.');
    if (value ? (it == now.end() || it->second != *value) : it != now.end())
      return unexpected(what, "'" + shown + "' would " + (value ? "not read as set" : "still be set"));
  }
  // Every other key of the target reads as before (a new section may inherit [DEFAULT] values).
  if (intended) {
    Settings was = *intended;
    for (auto& settings : {&was, &now})
      std::erase_if(*settings, [&](const auto& entry) {
        const std::string& key = entry.first;
        return std::any_of(changed.begin(), changed.end(), [&](const auto& c) {
          return key == c.first || key.starts_with(c.first + kSubKey) || c.first.starts_with(key + kSubKey);
        });
      });
    if (was != now) return unexpected(what, "its other settings would read differently");
  }
  commit(files, edited);
  return Status();
}

Status add_section_for(ConfigFiles& files, Dialect dialect, const EditTarget& target) {
  dialect = reader_for(target, dialect);
  const std::shared_ptr<const ProfileModel> model = read_files(files, dialect);
  const Section* section = find_target(*model, target);
  if (section != nullptr && section->config_line > 0) return Status();
  ConfigFiles edited = working_copy(files);
  if (Result<std::size_t> added = append_target_section(edited, dialect, target, FileKind::config); !added)
    return added.status();
  commit(files, edited);
  return Status();
}

Status rename_profile(ConfigFiles& files, Dialect dialect, std::string_view from, std::string_view to) {
  const EditTarget old_target{EditTarget::Kind::profile, std::string(from)};
  const EditTarget new_target{EditTarget::Kind::profile, std::string(to)};
  const Snapshot before = snapshot(files, dialect);
  const std::optional<SectionReading> renamed = find(before, old_target);
  if (!renamed) return Status::error(missing_profile_message(*read_files(files, dialect), from));
  if (from == to) return Status();
  if (find(before, new_target)) return Status::error("the profile '" + std::string(to) + "' already exists");
  const std::string what = "cannot rename " + describe(old_target);
  ConfigFiles edited = working_copy(files);
  const std::shared_ptr<const ProfileModel> model = read_files(files, dialect);
  const Section* section = find_target(*model, old_target);
  for (FileKind file : {FileKind::config, FileKind::credentials}) {
    const std::vector<std::size_t> headers = sections_read_as(files, dialect, old_target, *section, file);
    if (headers.empty()) continue;
    Result<std::string> header = writable_header(dialect, file, new_target);
    if (!header) return header.status();
    for (std::size_t line : headers)
      if (Status s = edited.of(file).rename_section_at(line, *header); !s)
        return Status::error(what + ": " + s.message());
    // A section the reader passed over (the AWS CLI reads only the later of two for one name)
    // would now be read as the old name: the rename would not make it go away.
    const std::shared_ptr<const ProfileModel> renamed_model = read_files(edited, dialect);
    if (const Section* left = find_target(*renamed_model, old_target);
        left != nullptr && header_line(*left, file) > 0)
      return Status::error(what + ": it is defined more than once in the " + to_string(file) + " file, and " +
                           in_file(file, header_line(*left, file)) +
                           " would be read as it afterwards; delete or " +
                           "merge the other definitions first");
  }
  // Profiles that take their credentials from the renamed one follow it (its own
  // "source_profile = OLD", which uses its static keys, included): each on the line the reader
  // takes the value from, read as the reader reads it.
  std::vector<EditTarget> touched{old_target, new_target};
  std::vector<SourceRef> lines;
  for (const auto& reference : source_profile_references(*read_files(edited, dialect), from)) {
    const SourceRef& source = reference.second;
    touched.push_back({EditTarget::Kind::profile, reference.first});
    if (std::none_of(lines.begin(), lines.end(),
                     [&](const SourceRef& l) { return l.file == source.file && l.line == source.line; }))
      lines.push_back(source);
  }
  for (const SourceRef& line : lines)
    if (Status s = edited.of(line.file).set_value_at(static_cast<std::size_t>(line.line - 1), to); !s)
      return Status::error(what + ": " + s.message());
  const Snapshot after = snapshot(edited, dialect);
  std::string difference = compare(before, after, touched);
  // Each profile that referred to OLD reads as before, but for its source_profile.
  Snapshot expected = before;
  SectionMap& sections = expected.expect();
  sections[{new_target.kind, new_target.name}] = *renamed;
  sections.erase({old_target.kind, old_target.name});
  for (auto& [key, section] : sections)
    if (key.first == EditTarget::Kind::profile && section.value("source_profile") == from) {
      Settings settings = section.settings();
      settings["source_profile"] = to;
      section = {nullptr, std::move(settings)};
    }
  if (difference.empty()) difference = compare(expected, after, {});
  if (!difference.empty()) return unexpected(what, difference);
  commit(files, edited);
  return Status();
}

Status copy_profile(ConfigFiles& files, Dialect dialect, std::string_view from, std::string_view to) {
  const EditTarget source{EditTarget::Kind::profile, std::string(from)};
  const EditTarget destination{EditTarget::Kind::profile, std::string(to)};
  const Snapshot before = snapshot(files, dialect);
  if (!find(before, source)) return Status::error(missing_profile_message(*read_files(files, dialect), from));
  if (find(before, destination)) return Status::error("the profile '" + std::string(to) + "' already exists");
  ConfigFiles edited = working_copy(files);
  const std::shared_ptr<const ProfileModel> model = read_files(files, dialect);
  const Section* section = find_target(*model, source);
  for (FileKind file : {FileKind::config, FileKind::credentials}) {
    const Document& doc = files.of(file);
    const std::vector<std::size_t> headers = sections_read_as(files, dialect, source, *section, file);
    if (headers.empty()) continue;
    // The bodies are copied byte for byte, so comments, blocks and continued values come along.
    std::string body;
    for (std::size_t header : headers) {
      std::string_view part = doc.section_body(*doc.section_at(header));
      body += part;
      if (!part.empty() && part.back() != '\n' && part.back() != '\r') body += doc.preferred_eol();
    }
    if (Result<std::size_t> added = append_target_section(edited, dialect, destination, file, body); !added)
      return added.status();
  }
  Snapshot expected = before;
  expected.expect()[{destination.kind, destination.name}] = *find(before, source);
  if (std::string difference = compare(expected, snapshot(edited, dialect), {}); !difference.empty())
    return unexpected("cannot copy " + describe(source), difference);
  commit(files, edited);
  return Status();
}

Status delete_profile(ConfigFiles& files, Dialect dialect, std::string_view name, Dependents dependents) {
  const EditTarget target{EditTarget::Kind::profile, std::string(name)};
  const Snapshot before = snapshot(files, dialect);
  if (!find(before, target)) return Status::error(missing_profile_message(*read_files(files, dialect), name));
  if (dependents == Dependents::refuse) {
    std::vector<std::string> names;
    for (const auto& [profile, source] : source_profile_references(*read_files(files, dialect), name))
      if (profile != name) names.push_back(profile);
    if (!names.empty())
      return Status::error("the profile '" + std::string(name) + "' is the source_profile of " +
                           (names.size() == 1 ? "the profile " : "the profiles ") + join_names(names) +
                           ", which would stop working; change or delete " +
                           (names.size() == 1 ? "it" : "them") + " first (--force deletes it anyway)");
  }
  const std::string what = "cannot delete " + describe(target);
  ConfigFiles edited = working_copy(files);
  for (FileKind file : {FileKind::config, FileKind::credentials}) {
    Status s = repeat_until_done(edited, what, [&]() -> Result<bool> {
      const std::shared_ptr<const ProfileModel> model = read_files(edited, dialect);
      const Section* section = find_target(*model, target);
      const int line = section != nullptr ? header_line(*section, file) : 0;
      if (line == 0) return false;
      edited.of(file).remove_section_at(static_cast<std::size_t>(line - 1));
      return true;
    });
    if (!s) return s;
  }
  Snapshot expected = before;
  expected.expect().erase({target.kind, target.name});
  if (std::string difference = compare(expected, snapshot(edited, dialect), {}); !difference.empty())
    return unexpected(what, difference);
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
