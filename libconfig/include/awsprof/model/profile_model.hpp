// The profile model: what a config file plus a credentials file mean, in one of two dialects.
//
//  - Dialect::cli reads exactly as the AWS CLI v2 does (botocore's configparser-based reader).
//  - Dialect::sdk follows the cross-SDK profile-file specification (profile-parser-tests.json).
//
// Both report every problem as a Diagnostic; neither stops at the first.
//
// A model copies no text: names, keys and values are views into the files' bytes, which the
// model shares with the documents it was read from (Document::shared_text), or into the few
// strings a reader had to build (lower-cased keys, joined multi-line values). Views stay valid as
// long as the model, or a copy of it, exists; edits to the documents do not affect them.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/syntax/document.hpp"

namespace awsprof {

enum class Dialect { cli, sdk };
const char* to_string(Dialect dialect);
std::optional<Dialect> parse_dialect(std::string_view text);

enum class FileKind { config, credentials };
const char* to_string(FileKind kind);

/// Where a value was read from.
struct SourceRef {
  FileKind file = FileKind::config;
  int line = 0;  ///< 1-based line of the key (0 when not from a line).
};

struct SubProperty {
  std::string_view key;
  std::string_view value;
};

/// One key's value as the dialect reads it.
struct Setting {
  std::string_view key;    ///< As the dialect names it (cli and sdk both lowercase).
  std::string_view value;  ///< The value as the dialect returns it; for a block, its raw text ("\nk = v").
  /// Set when the value is an indented block of sub-properties ("s3 =" followed by "  k = v"):
  /// like the strings, a view into the model's storage.
  const std::vector<SubProperty>* sub_properties = nullptr;
  SourceRef source;
  const SubProperty* find_sub(std::string_view sub_key) const;
};

/// A profile, an [sso-session], a [services] section, or another top-level section.
struct Section {
  std::string_view name;
  std::vector<Setting> settings;  ///< In first-definition order.
  bool in_config = false;
  bool in_credentials = false;
  int config_line = 0;       ///< Header line in the config file (the one that won), 0 if none.
  int credentials_line = 0;  ///< Header line in the credentials file, 0 if none.

  const Setting* find(std::string_view key) const;
  Setting* find(std::string_view key);
};

/// One input file: its path (for messages) and its bytes, or none when the file is missing.
/// The readers need only the bytes. Checks that point at columns (validate, lint) also need the
/// parsed layout, `document`, which then holds the same bytes.
struct InputFile {
  std::string path;
  std::shared_ptr<const std::string> text;  ///< nullptr when the file is missing (read as empty).
  const Document* document = nullptr;       ///< The bytes parsed, when the caller has them.

  InputFile() = default;
  /// A missing file.
  InputFile(std::string file_path, std::nullptr_t) : path(std::move(file_path)) {}
  /// The bytes alone.
  InputFile(std::string file_path, std::shared_ptr<const std::string> bytes)
      : path(std::move(file_path)), text(std::move(bytes)) {}
  /// The file as `parsed` holds it; a missing file when it is nullptr.
  InputFile(std::string file_path, const Document* parsed)
      : path(std::move(file_path)), text(parsed != nullptr ? parsed->shared_text() : nullptr), document(parsed) {}

  bool exists() const { return text != nullptr; }
};

/// The bytes a model's views point into. Only the readers add to it; afterwards it is shared
/// read-only by every copy of the model.
class ModelText {
 public:
  /// Keeps a file's bytes alive for as long as the model.
  void retain(std::shared_ptr<const std::string> file_text) { files_.push_back(std::move(file_text)); }
  /// Stores a string the reader built; the view stays valid for the model's lifetime.
  std::string_view keep(std::string text) { return built_.emplace_back(std::move(text)); }
  /// Stores a block's sub-properties, likewise.
  const std::vector<SubProperty>* keep(std::vector<SubProperty> block) {
    return &blocks_.emplace_back(std::move(block));
  }

 private:
  std::vector<std::shared_ptr<const std::string>> files_;
  // Deques never move their elements, so views stay valid.
  std::deque<std::string> built_;
  std::deque<std::vector<SubProperty>> blocks_;
};

struct ProfileModel {
  Dialect dialect = Dialect::cli;
  std::shared_ptr<ModelText> text = std::make_shared<ModelText>();
  std::vector<Section> profiles;        ///< In `aws configure list-profiles` order.
  std::vector<Section> sso_sessions;
  std::vector<Section> services;
  std::vector<Section> other_sections;  ///< Config sections that are not profiles ([plugins], ...).
  Diagnostics diagnostics;
  /// Set when the dialect's reader refuses a file outright (the AWS CLI then fails every command).
  bool config_unreadable = false;
  bool credentials_unreadable = false;

  const Section* find_profile(std::string_view name) const;
  const Section* find_sso_session(std::string_view name) const;
  const Section* find_services(std::string_view name) const;
  bool unreadable() const { return config_unreadable || credentials_unreadable; }
};

/// "the profile 'NAME' does not exist", then "; did you mean 'a' or 'b'?" naming the model's
/// nearest profiles when some are near: the one message for a profile that was named but that
/// the files do not define.
std::string missing_profile_message(const ProfileModel& model, std::string_view name);
/// True when `name` is not empty and holds only the characters the profile-file specification
/// allows in a section name (ASCII letters, digits and - _ / . % @ : +): a name the AWS CLI and
/// every SDK read back alike.
bool is_portable_profile_name(std::string_view name);
/// True for one of those characters.
bool is_portable_name_char(char c);

/// Reads the two files in the given dialect.
ProfileModel build_profile_model(const InputFile& config, const InputFile& credentials, Dialect dialect);

/// A place where the AWS CLI and the SDKs read the same file differently.
struct Divergence {
  FileKind file = FileKind::config;
  int line = 0;
  std::string profile;  ///< Section the difference is in ("" for whole-file differences).
  std::string key;      ///< Key, or "" when a whole section differs.
  std::string cli_reading;  ///< What the AWS CLI reads, in words.
  std::string sdk_reading;  ///< What the SDKs read, in words.
  std::string cause;        ///< Why, e.g. "inline comment", "':' delimiter".
};

/// Every difference between the cli and sdk readings of the two files. Values of secret keys are
/// never quoted in the readings.
std::vector<Divergence> find_dialect_divergences(const InputFile& config, const InputFile& credentials);

}  // namespace awsprof
