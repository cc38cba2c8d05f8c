// Changing settings the way `aws configure set` does, but losslessly: which file and which
// section each key goes to, and one locked, atomic read-modify-write of both files.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
  bool operator==(const EditTarget&) const = default;
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

/// Something an edit wants the user to know although it succeeded, such as a section that looks
/// like the profile being written but that the dialect's reader does not take for it.
struct EditNote {
  FileKind file = FileKind::config;
  int line = 0;  ///< 1-based line the note is about; 0 when it is about no line.
  std::string message;
};

/// The dialects' readings (build_profile_model) of two documents, each made once per state of
/// their texts, so that the edits below, which ask the reader before and after every step, read
/// each state of the files once. A reading is kept with the texts it was made from; a document
/// copies a text it shares before changing it, so an edited document never holds a text that a
/// kept reading was made from, and a reading is returned only for the very texts it read.
class ReadingCache {
 public:
  /// The reading of `config` and `credentials` as they are now (labelled "config" and
  /// "credentials" in its diagnostics).
  std::shared_ptr<const ProfileModel> get(const Document& config, const Document& credentials,
                                          Dialect dialect) const;
  /// Takes `model` as the reading of `config` and `credentials` in its dialect, for a caller that
  /// has read exactly these bytes already (its diagnostics keep the caller's labels).
  void adopt(const Document& config, const Document& credentials, std::shared_ptr<const ProfileModel> model);

 private:
  struct Entry {
    std::shared_ptr<const std::string> config, credentials;
    Dialect dialect = Dialect::cli;
    std::shared_ptr<const ProfileModel> model;
  };
  void keep(Entry entry) const;
  mutable std::vector<Entry> entries_;  // the most recent last
};

/// The two documents being edited together.
struct ConfigFiles {
  Document config;
  Document credentials;
  std::vector<EditNote> notes = {};  ///< Added to by the edits below.
  ReadingCache readings = {};        ///< A copy starts with the same readings (keyed by the texts).
  Document& of(FileKind kind) { return kind == FileKind::config ? config : credentials; }
  const Document& of(FileKind kind) const { return kind == FileKind::config ? config : credentials; }
  /// How the dialect's reader reads the two documents now.
  std::shared_ptr<const ProfileModel> read(Dialect dialect) const {
    return readings.get(config, credentials, dialect);
  }
};

// Every edit below works on the files as the dialect's reader (build_profile_model) reads them:
// the section it changes is the one that reader takes for the target, the line it changes is the
// one the reader takes the value from, and a section it adds has a header that reader reads back
// as the target. [plugins] and other plain sections are read as the AWS CLI reads them, whatever
// the dialect (the SDKs do not read them). An edit is checked by reading its result back: it must
// give exactly the intended profiles and values (every other section as it was), or it is refused
// and the files are left as they were.

/// The text between the brackets of the section of `file` that the reader takes for the target,
/// or, when it takes none, of the header an edit would add ("profile dev", "default", "dev").
std::string section_header(const ConfigFiles& files, Dialect dialect, const EditTarget& target, FileKind file);

/// A KEY argument of `awsprof set`/`unset` resolved the way `aws configure set VARNAME` resolves
/// it: which section, and the key there ("region", or "s3.max_bandwidth" for a sub-property).
struct ResolvedKey {
  EditTarget target;
  std::string key;
  bool profile_named = false;  ///< The key itself names the profile: default.KEY, profile.NAME.KEY.
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

/// Where the reader takes a key of the target from now: the file, the 1-based line of the
/// property (or sub-property), and its value as read.
struct KeyLocation {
  FileKind file = FileKind::config;
  int line = 0;
  std::string value;
};
std::optional<KeyLocation> locate_key(const ConfigFiles& files, Dialect dialect, const EditTarget& target,
                                      std::string_view key);

/// Applies the changes in memory, in order. A key is set on the line the reader takes it from,
/// else added to the section the reader takes for the target (a section is added when there is
/// none, with a note for each section that looks like it but is not read as it). An unset
/// removes every line the reader would take the key from, and then a section left without
/// properties when that changes nothing the reader reads. Refused, leaving both documents as they
/// were: keys or values holding line breaks, a value the reader would read differently, a value
/// inherited from [DEFAULT] that cannot be removed for one profile, and results that do not read
/// back as intended.
Status apply_changes(ConfigFiles& files, Dialect dialect, const EditTarget& target,
                     std::span<const SettingChange> changes);

/// Adds an empty section for the target to the config file, unless the reader already takes one
/// for it there.
Status add_section_for(ConfigFiles& files, Dialect dialect, const EditTarget& target);

/// Renames a profile in both files (every section the reader takes for it), and every
/// source_profile whose value the reader reads as OLD with it. Refused if the new name exists or
/// the old one does not, and for a name no header can give back (one holding a line break, or
/// one the dialect does not read as a profile name, with the reader's reason).
Status rename_profile(ConfigFiles& files, Dialect dialect, std::string_view from, std::string_view to);
/// Copies every setting of a profile, in both files, to a new profile (names as for rename).
Status copy_profile(ConfigFiles& files, Dialect dialect, std::string_view from, std::string_view to);
/// What delete_profile does when other profiles name the deleted one as their source_profile.
enum class Dependents { refuse, orphan };
/// Deletes a profile from both files. Refused if it exists in neither, or (with
/// Dependents::refuse) if other profiles read it as their source_profile: the message names them.
Status delete_profile(ConfigFiles& files, Dialect dialect, std::string_view name,
                      Dependents dependents = Dependents::refuse);

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
