// config_edit's profile operations, on files of thousands of profiles. Each of apply_changes,
// rename_profile, copy_profile and delete_profile reads and rewrites both files whole, which is
// right for one edit and quadratic for thousands. Here the files are cut at their section headers,
// and each operation runs, through config_edit itself, on a pair of small documents made of only
// the sections it can touch: the profile's own, those with a source_profile (which a rename
// rewrites), the one before it (whose blank line a deletion takes) and the last one (after which a
// new section goes). The pieces are then put back. Internal.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "awsprof/edit/config_edit.hpp"

namespace awsprof::detail {

class SectionedFiles {
 public:
  /// Edits `files` as `dialect` reads them.
  SectionedFiles(const ConfigFiles& files, Dialect dialect);

  /// apply_changes() to a profile; a section it creates goes after the last one.
  Status apply(const std::string& profile, std::span<const SettingChange> changes);
  /// rename_profile().
  Status rename(const std::string& from, const std::string& to);
  /// Moves a profile's sections after the last section of each file (copy_profile to `parking`, a
  /// name no profile has, delete_profile, rename_profile back).
  Status move_to_end(const std::string& profile, const std::string& parking);
  /// delete_profile(). Its check for dependents sees only the pieces an operation is given, so the
  /// caller says what to do about them (and finds them itself, in the whole files).
  Status remove(const std::string& profile, Dependents dependents);

  /// The two files, whole.
  ConfigFiles join() const;

 private:
  struct Piece {
    std::string text;
    std::optional<SectionName> name;  ///< nullopt for the text before the first section
    bool refers = false;              ///< it holds a source_profile
    bool removed = false;
  };
  enum class Shape { same, one_more_at_end, without_profile };

  /// Runs `operation` on the pieces `include` names in each file, and puts the result back in the
  /// given shape; on any other shape, runs it on the whole files instead.
  Status run(std::array<std::vector<std::size_t>, 2> include, Shape shape, const std::string& profile,
             const std::function<Status(ConfigFiles&)>& operation);
  Status run_whole(const std::function<Status(ConfigFiles&)>& operation);
  void split(std::size_t file, const Document& document);
  std::vector<std::size_t> pieces_of(std::size_t file, const std::string& profile) const;
  std::optional<std::size_t> last_piece(std::size_t file) const;
  std::optional<std::size_t> piece_before(std::size_t file, std::size_t index) const;
  void set_piece(std::size_t file, std::size_t index, Piece piece);
  static std::string key_of(const SectionName& name) { return name.prefix + '\n' + name.name; }

  Dialect dialect_;
  bool whole_ = false;  ///< the files cannot be cut safely: every operation runs on them whole
  std::array<std::vector<Piece>, 2> pieces_;
  std::array<std::map<std::string, std::vector<std::size_t>>, 2> by_name_;
};

}  // namespace awsprof::detail
