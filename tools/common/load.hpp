// Loading the config and credentials files the way every tool does.
#pragma once

#include <memory>
#include <optional>

#include "awsprof/syntax/document.hpp"
#include "awsprof/platform/file_system.hpp"
#include "awsprof/model/profile_model.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// The two files and what they mean in the selected dialect.
struct LoadedProfiles {
  InputFile config;       ///< No text when the file is missing (read as empty).
  InputFile credentials;  ///< No text when the file is missing (read as empty).
  ProfileModel model;

  /// Parses both files' layout (lossless documents) and points config.document and
  /// credentials.document at it, for the checks and messages that show lines and columns. The
  /// model does not need it, so tools that only read (list, get) never pay for it.
  void parse_layout();

 private:
  std::unique_ptr<Document> config_layout_, credentials_layout_;  // stable addresses across moves
};

/// True when `profile` was named (on the command line, in AWS_PROFILE or AWS_DEFAULT_PROFILE) and
/// the model does not define it: a usage error, reported with missing_profile_message()
/// (docs/exit-codes.md). The default profile, when nothing names it, may be missing.
bool named_but_missing(const SelectedProfile& profile, const ProfileModel& model);

/// A file's bytes as shared text, for InputFile: nullptr when the file is missing.
std::shared_ptr<const std::string> shared_bytes(FileContent content);

/// Reads the context's two files as one consistent pair (read_context_files) into `config` and
/// `credentials`, each left nullopt when its file is missing (read as empty). False, after printing
/// the library's message (which names the path) with tool.fail(), when a file cannot be read.
bool load_context_documents(const Tool& tool, const FileSystem& fs, std::optional<Document>& config,
                            std::optional<Document>& credentials);

/// For the tools that check the files (validate, lint): a file named by a flag or the environment
/// must exist (a typo would otherwise pass silently); the default ~/.aws files may be absent.
/// False, after tool.fail("PATH (named by --config-file) does not exist"), when one is missing.
bool named_files_exist(const Tool& tool, bool config_exists, bool credentials_exists);

/// Reports each of the two files that the dialect of `loaded.model` refuses
/// (ProfileModel::config_unreadable, credentials_unreadable), named by its path (or "REV:path"):
/// the error diagnostics about it (path:line:col, source line, caret) on stderr, then
/// "the AWS CLI cannot parse PATH" (or "the AWS SDKs ...") with tool.fail().
void report_refused_files(const Tool& tool, const LoadedProfiles& loaded);

/// Builds the model from two files' bytes. A file the dialect refuses is reported as
/// report_refused_files() does, and the result is nullopt.
std::optional<LoadedProfiles> load_profiles_from(const Tool& tool, InputFile config, InputFile credentials,
                                                 Dialect dialect);

/// Reads the context's config and credentials files through `fs` and builds the profile model in
/// the context's dialect. A missing file is empty, as in the AWS CLI. An unreadable file, or one
/// the dialect refuses (ProfileModel::config_unreadable, credentials_unreadable), is an error:
/// the error diagnostics (path:line:col, source line, caret) and a line naming the file go to
/// stderr, and the result is nullopt (exit with exit_code(Outcome::error)).
std::optional<LoadedProfiles> load_profiles(const Tool& tool, const FileSystem& fs);
/// The same on the real disk.
std::optional<LoadedProfiles> load_profiles(const Tool& tool);

}  // namespace awsprof::tool
