// Config diff: what differs between two configurations, as a dialect reads them.
//
// A configuration is a ProfileModel (a config file plus a credentials file, profile_model.hpp).
// The comparison is semantic: formatting, comments, the order of sections and keys, and which of
// the two files defines a key are ignored; only what the dialect reads counts. Keys are compared
// as the dialect names them (both dialects lowercase), values exactly; a block of sub-properties
// ("s3 =" then "  max_bandwidth = 1") is compared sub-key by sub-key.
//
// Secret values (is_secret_key(), secrets.hpp) are never carried in the result: a ConfigChange of a
// secret holds only mask_secret() of each value ("****************ABCD").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/platform/file_system.hpp"
#include "awsprof/model/profile_model.hpp"
#include "awsprof/support/result.hpp"

namespace awsprof {

enum class ChangeKind { added, removed, changed };
/// "added", "removed" or "changed".
const char* to_string(ChangeKind kind);

/// Which list of the ProfileModel a section is in.
enum class SectionType { profile, sso_session, services, other };
/// "profile", "sso-session", "services" or "other".
const char* to_string(SectionType type);

/// One difference. A whole section added or removed is one change with an empty key, followed by
/// one change per key of that section (of the same kind), so a reader of either granularity finds
/// what it needs.
struct ConfigChange {
  ChangeKind kind = ChangeKind::changed;
  SectionType section_type = SectionType::profile;
  std::string section;  ///< The section's name ("default", "dev", "my-sso", "plugins").
  std::string key;      ///< The key, or "" for a whole section.
  std::string sub_key;  ///< For a sub-property ("s3" / "max_bandwidth"), its key; else "".
  /// The value before (removed, changed) and after (added, changed); for a secret, its masked form.
  /// A key whose value is a block of sub-properties and that is added or removed whole holds the
  /// block's text ("\nmax_bandwidth = 1").
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  bool secret = false;  ///< The values are mask_secret() forms, never the secret itself.
};

/// Every difference between two configurations, grouped by section: profiles first, then
/// sso-sessions, services and other sections; within each, the sections of the old configuration
/// in its order, then those only the new one has, in its order; keys likewise.
struct ConfigDiff {
  std::vector<ConfigChange> changes;
  bool empty() const { return changes.empty(); }
};

/// Compares two configurations read in the same dialect.
ConfigDiff diff_configs(const ProfileModel& old_model, const ProfileModel& new_model);

/// Compares two sections key by key (the whole-section entries are never produced); every change
/// is labelled with `type` and `label`.
ConfigDiff diff_sections(const Section& old_section, const Section& new_section, SectionType type,
                         std::string_view label);

/// Compares the profile `old_profile` with the profile `new_profile` of the same configuration
/// (`awsprof diff --profile X --against Y`); the changes are labelled with `old_profile`. An error
/// names a profile that does not exist.
Result<ConfigDiff> diff_profiles(const ProfileModel& model, std::string_view old_profile,
                                 std::string_view new_profile);

/// Only the changes of one profile (`awsprof diff --profile X A B`).
ConfigDiff filter_profile(const ConfigDiff& diff, std::string_view profile);

/// A file as it is at a git revision: `git show REV:path`, for a file inside a git work tree.
struct GitFile {
  std::string label;    ///< "REV:path/relative/to/the/top", for messages and diagnostics.
  FileContent content;  ///< exists == false when the path is not in REV's tree (read as empty).
};

/// Reads `path` (which need not exist now, but its directory must) at the git revision `revision`
/// of the work tree that holds it. Errors (not inside a work tree, an unknown revision, git not
/// installed, a directory at that path in the revision) carry git's or awsprof's message.
Result<GitFile> read_file_at_revision(const std::string& path, const std::string& revision);

/// True when the directory of `path` is inside a git work tree.
bool in_git_work_tree(const std::string& path);

}  // namespace awsprof
