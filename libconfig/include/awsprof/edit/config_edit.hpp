// Changing settings the way `aws configure set` does, but losslessly: which file and which
// section each key goes to, and one locked, atomic read-modify-write of both files.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "awsprof/syntax/document.hpp"
#include "awsprof/platform/file_system.hpp"
#include "awsprof/model/profile_model.hpp"
#include "awsprof/support/result.hpp"
#include "awsprof/model/settings_catalogue.hpp"

namespace awsprof {

/// What a change applies to: a profile (the default), an [sso-session NAME], a [services NAME], or
/// another config section named as written ([plugins]).
struct EditTarget {
  enum class Kind { profile, sso_session, services, section };
  Kind kind = Kind::profile;
  std::string name = "default";
};

/// One key to set (value) or remove (nullopt). A dotted key ("s3.max_bandwidth") is a
/// sub-property of the block named before the dot.
struct SettingChange {
  std::string key;
  std::optional<std::string> value;
};

/// The file a key belongs in for a profile: the credential keys (aws_access_key_id,
/// aws_secret_access_key, aws_session_token, and aws_expiration with them) in the credentials file,
/// everything else in config. (`aws configure set` writes aws_expiration, a key it does not know,
/// to the config file; botocore reads it from neither.)
FileKind file_for_key(std::string_view key);

/// The section of `document` (of the given kind) that holds the target, as the AWS CLI reads
/// it: `[profile NAME]` or, for the default profile, whichever of `[default]` and
/// `[profile default]` comes later (`[default]` when neither exists); `[NAME]` in the
/// credentials file; `[sso-session NAME]`; `[services NAME]`.
SectionName section_for(const EditTarget& target, FileKind file, const Document& document);

/// The two documents being edited together.
struct ConfigFiles {
  Document config;
  Document credentials;
  Document& of(FileKind kind) { return kind == FileKind::config ? config : credentials; }
  const Document& of(FileKind kind) const { return kind == FileKind::config ? config : credentials; }
};

/// A KEY argument of `awsprof set`/`unset` resolved the way `aws configure set VARNAME` resolves
/// it: which section, and the key there ("region", or "s3.max_bandwidth" for a sub-property).
struct ResolvedKey {
  EditTarget target;
  std::string key;
};

/// Resolves `varname` for a profile edit as `aws configure set` does: "KEY" and "PARENT.SUB" name
/// the `selected_profile`; "default.KEY[.SUB]" the default profile; "profile.NAME.KEY[.SUB]" the
/// profile NAME; "plugins.KEY" (the CLI accepts any substring of "plugins") that config section.
/// Refuses, with the reason, the names the CLI mishandles: empty segments, "profile.NAME" without a
/// key, and more than one dot after the section part (the CLI would write the whole value to the
/// first segment).
Result<ResolvedKey> resolve_configure_key(std::string_view varname, std::string_view selected_profile);

/// The same for an explicit [sso-session NAME] or [services NAME] target: "KEY" or "PARENT.SUB".
Result<ResolvedKey> resolve_section_key(const EditTarget& target, std::string_view varname);

/// What the catalogue says about writing `value` to `key` of `target`.
struct SettingCheck {
  std::string reason;                    ///< Empty when acceptable; never contains the value.
  bool unknown = false;                  ///< The catalogue has no such setting (for that place).
  std::vector<std::string> suggestions;  ///< For an unknown key: the nearest known names.
};
/// Checks a change against the catalogue: the key must be a setting that belongs in that kind of
/// section (profile, sso-session, a service block of [services], [plugins]) and the value must
/// fit its type ("output must be one of json, text, ..."). A removal (nullopt) is only checked
/// for a known key, never refused.
SettingCheck check_setting(const SettingsCatalogue& catalogue, const EditTarget& target, std::string_view key,
                           const std::optional<std::string>& value);

/// Where a key of the target is now, as apply_changes would find it: the file, the 1-based line
/// of the property (or sub-property), and its value as written.
struct KeyLocation {
  FileKind file = FileKind::config;
  int line = 0;
  std::string value;
};
std::optional<KeyLocation> locate_key(const ConfigFiles& files, const EditTarget& target,
                                      std::string_view key);

/// Applies the changes in memory. Sections left without properties by an unset are removed.
/// Refuses (leaving both documents as they were) keys or values holding line breaks.
Status apply_changes(ConfigFiles& files, const EditTarget& target, std::span<const SettingChange> changes);

/// Renames a profile in both files, and every "source_profile = OLD" of a profile with it.
/// Refused if the new name exists or the old one does not.
Status rename_profile(ConfigFiles& files, std::string_view from, std::string_view to);
/// Copies every setting of a profile, in both files, to a new profile.
Status copy_profile(ConfigFiles& files, std::string_view from, std::string_view to);
/// Deletes a profile from both files. Refused if it exists in neither.
Status delete_profile(ConfigFiles& files, std::string_view name);

/// Locks both files, reads them, runs `edit`, and writes whichever changed; when both change, they
/// change as one (update_files). Missing files start empty. When `dry_run` is set nothing is
/// written; `before`/`after` receive the texts either way so the caller can show a diff. When both
/// paths name one file, an edit that would change it both as config and as credentials is refused.
struct EditOutcome {
  std::string config_before, config_after, credentials_before, credentials_after;
};
Result<EditOutcome> edit_config_files(FileSystem& fs, const std::string& config_path,
                                      const std::string& credentials_path,
                                      const std::function<Status(ConfigFiles&)>& edit, bool dry_run = false,
                                      const FileAccessOptions& options = {});

}  // namespace awsprof
