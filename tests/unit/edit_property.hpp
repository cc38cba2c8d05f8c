// The property every edit of config_edit.hpp must keep, shared by the unit tests
// (roundtrip_test.cpp) and the fuzz target (tests/fuzz/fuzz_document.cpp):
//
//   after any edit, reading the files back (in the dialect the edit was made for) gives exactly
//   the intended profiles and values, every other section reads as before, and files that were
//   readable stay readable; an edit that is refused leaves both files byte for byte as they were.
//
// The intended reading is worked out here from the reading before the edit, independently of
// how the edit layer chooses its sections and lines. Header-only; not a *_test.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "awsprof/edit/config_edit.hpp"
#include "unicode_text.hpp"  // libconfig/src/support

namespace awsprof::edit_property {

/// One edit, as data.
struct Edit {
  enum class Op { set, unset, rename, copy, remove };
  Op op = Op::set;
  EditTarget target;  ///< set/unset: the section; rename/copy/remove: the profile.
  std::string key;    ///< set/unset: "key" or "block.sub".
  std::string value;  ///< set: the value.
  std::string to;     ///< rename/copy: the new name.
};

inline const char* to_string(Edit::Op op) {
  switch (op) {
    case Edit::Op::set:
      return "set";
    case Edit::Op::unset:
      return "unset";
    case Edit::Op::rename:
      return "rename";
    case Edit::Op::copy:
      return "copy";
    case Edit::Op::remove:
      return "delete";
  }
  return "?";
}

/// Each section the reader reads, by kind and name, with its settings; a block's sub-properties
/// appear too, as block + kSubKey + sub (a key may hold a dot, never a line break).
using Settings = std::map<std::string, std::string>;
constexpr char kSubKey = '\n';
using Reading = std::map<std::pair<EditTarget::Kind, std::string>, Settings>;

struct ReadFiles {
  Reading sections;
  bool readable = true;
};

inline ReadFiles read(const ConfigFiles& files, Dialect dialect) {
  ProfileModel model =
      build_profile_model({"config", &files.config}, {"credentials", &files.credentials}, dialect);
  ReadFiles out;
  out.readable = !model.unreadable();
  const std::pair<EditTarget::Kind, const std::vector<Section>*> lists[] = {
      {EditTarget::Kind::profile, &model.profiles},
      {EditTarget::Kind::sso_session, &model.sso_sessions},
      {EditTarget::Kind::services, &model.services},
      {EditTarget::Kind::section, &model.other_sections}};
  for (const auto& [kind, list] : lists) {
    for (const Section& section : *list) {
      Settings& settings = out.sections[{kind, std::string(section.name)}];
      for (const Setting& setting : section.settings) {
        settings[std::string(setting.key)] = std::string(setting.value);
        if (setting.sub_properties)
          for (const SubProperty& sub : *setting.sub_properties)
            settings[std::string(setting.key) + kSubKey + std::string(sub.key)] = std::string(sub.value);
      }
    }
  }
  return out;
}

/// A value as written, without the whitespace around it that the AWS CLI drops (Python's
/// str.strip(), \x1c and U+00A0 included) and that the edits accept, as aws configure set does;
/// an edit in the sdk dialect, whose reader keeps all but spaces and tabs, refuses the others.
inline std::string trimmed(std::string_view s) {
  return std::string(detail::python_strip(s));
}

/// The key as both readers name it, for the ASCII keys the property is run with.
inline std::string lowered(std::string key) {
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

inline Status apply(ConfigFiles& files, Dialect dialect, const Edit& edit) {
  switch (edit.op) {
    case Edit::Op::set:
    case Edit::Op::unset: {
      SettingChange change{edit.key,
                           edit.op == Edit::Op::set ? std::optional<std::string>(edit.value) : std::nullopt};
      return apply_changes(files, dialect, edit.target, std::span<const SettingChange>(&change, 1));
    }
    case Edit::Op::rename:
      return rename_profile(files, dialect, edit.target.name, edit.to);
    case Edit::Op::copy:
      return copy_profile(files, dialect, edit.target.name, edit.to);
    case Edit::Op::remove:
      return delete_profile(files, dialect, edit.target.name, Dependents::orphan);
  }
  return Status();
}

/// Applies `edit` to a copy of `files` and checks the property. Returns "" when it holds, else
/// what is wrong; `applied` (when given) says whether the edit was made or refused.
inline std::string check(const ConfigFiles& files, Dialect dialect, const Edit& edit,
                         bool* applied = nullptr) {
  // [plugins] and other plain sections are read as the AWS CLI reads them, whatever the dialect.
  const Dialect reader = edit.target.kind == EditTarget::Kind::section ? Dialect::cli : dialect;
  ConfigFiles edited = files;
  const Status status = apply(edited, dialect, edit);
  if (applied != nullptr) *applied = status.ok();
  if (!status) {
    if (edited.config.text() != files.config.text() || edited.credentials.text() != files.credentials.text())
      return "a refused edit changed the files (" + status.message() + ")";
    return "";
  }
  const ReadFiles before = read(files, reader);
  const ReadFiles after = read(edited, reader);
  if (before.readable && !after.readable) return "the files can no longer be read";

  Reading intended = before.sections;
  const auto key_of = [](const EditTarget& t) { return std::make_pair(t.kind, t.name); };
  const auto profile = [](const std::string& name) {
    return std::make_pair(EditTarget::Kind::profile, name);
  };
  // Keys whose value in the target is not predicted: the block a sub-property is written to (its
  // raw text changes), and, for a section the edit creates, what it may inherit ([DEFAULT]).
  std::vector<std::string> unpredicted;
  bool new_section = false;
  std::string set_name;  // the reader's name for the key set or unset
  switch (edit.op) {
    case Edit::Op::set:
    case Edit::Op::unset: {
      // "block.sub" names a sub-property; a key that starts with a dot names no block.
      const std::size_t first_dot = edit.key.find('.');
      const std::size_t dot = first_dot == 0 ? std::string::npos : first_dot;
      const std::string name = dot == std::string::npos
                                   ? lowered(edit.key)
                                   : lowered(edit.key.substr(0, dot)) + kSubKey + edit.key.substr(dot + 1);
      set_name = name;
      new_section = intended.count(key_of(edit.target)) == 0;
      Settings& settings = intended[key_of(edit.target)];
      if (dot != std::string::npos) unpredicted.push_back(name.substr(0, dot));
      // A plain value set or unset replaces a block of that name with its sub-properties.
      settings.erase(name);
      if (dot == std::string::npos)
        std::erase_if(settings, [&](const auto& entry) { return entry.first.starts_with(name + kSubKey); });
      if (edit.op == Edit::Op::set) settings[name] = trimmed(edit.value);
      break;
    }
    case Edit::Op::rename: {
      Settings moved = intended.at(key_of(edit.target));
      intended.erase(key_of(edit.target));
      intended[profile(edit.to)] = std::move(moved);
      for (auto& [section, settings] : intended)
        if (section.first == EditTarget::Kind::profile && settings.count("source_profile") &&
            settings["source_profile"] == edit.target.name)
          settings["source_profile"] = edit.to;
      break;
    }
    case Edit::Op::copy:
      intended[profile(edit.to)] = intended.at(key_of(edit.target));
      break;
    case Edit::Op::remove:
      intended.erase(key_of(edit.target));
      break;
  }

  auto describe = [](const std::pair<EditTarget::Kind, std::string>& section) {
    return std::to_string(static_cast<int>(section.first)) + ":'" + section.second + "'";
  };
  for (const auto& [section, settings] : intended) {
    const bool is_target =
        (edit.op == Edit::Op::set || edit.op == Edit::Op::unset) && section == key_of(edit.target);
    auto now = after.sections.find(section);
    Settings got = now == after.sections.end() ? Settings{} : now->second;
    Settings want = settings;
    if (now == after.sections.end() && !(is_target && edit.op == Edit::Op::unset))
      return "section " + describe(section) + " is not read any more";
    if (is_target) {
      for (const std::string& key : unpredicted) {
        got.erase(key);
        want.erase(key);
      }
      if (new_section) {
        // Only what the edit set is predicted.
        auto it = got.find(set_name);
        if (edit.op == Edit::Op::set && (it == got.end() || it->second != trimmed(edit.value)))
          return "the new section " + describe(section) + " does not read the value set";
        continue;
      }
    }
    if (got != want) {
      for (const auto& [key, value] : want) {
        auto it = got.find(key);
        if (it == got.end()) return "section " + describe(section) + " lost '" + key + "'";
        if (it->second != value) return "section " + describe(section) + " reads '" + key + "' differently";
      }
      for (const auto& [key, value] : got)
        if (!want.count(key)) return "section " + describe(section) + " gained '" + key + "'";
    }
  }
  for (const auto& [section, settings] : after.sections)
    if (!intended.count(section)) return "section " + describe(section) + " appeared";
  return "";
}

}  // namespace awsprof::edit_property
