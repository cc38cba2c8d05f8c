// Loading the config and credentials files the way every tool does.
#pragma once

#include <optional>

#include "awsprof/document.hpp"
#include "awsprof/file_system.hpp"
#include "awsprof/profile_model.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// The two files and what they mean in the selected dialect.
struct LoadedProfiles {
  std::optional<Document> config;       ///< nullopt when the file is missing (read as empty).
  std::optional<Document> credentials;  ///< nullopt when the file is missing (read as empty).
  ProfileModel model;
};

/// Reads one file through `fs` into `document`, left nullopt when the file is missing (read as
/// empty). False, after printing the library's message (which names the path) with tool.fail(),
/// when the file cannot be read.
bool load_document(const Tool& tool, const FileSystem& fs, const std::string& path,
                   std::optional<Document>& document);

/// Reports each of the two files that the dialect of `loaded.model` refuses
/// (ProfileModel::config_unreadable, credentials_unreadable), named by its label (a path, or
/// "REV:path"): the error diagnostics about it (path:line:col, source line, caret) on stderr, then
/// "the AWS CLI cannot parse LABEL" (or "the AWS SDKs ...") with tool.fail().
void report_refused_files(const Tool& tool, const LoadedProfiles& loaded, const std::string& config_label,
                          const std::string& credentials_label);

/// Reads the context's config and credentials files through `fs` and builds the profile model in
/// the context's dialect. A missing file is empty, as in the AWS CLI. An unreadable file, or one
/// the dialect refuses (ProfileModel::config_unreadable, credentials_unreadable), is an error:
/// the error diagnostics (path:line:col, source line, caret) and a line naming the file go to
/// stderr, and the result is nullopt (exit with exit_code(Outcome::error)).
std::optional<LoadedProfiles> load_profiles(const Tool& tool, const FileSystem& fs);
/// The same on the real disk.
std::optional<LoadedProfiles> load_profiles(const Tool& tool);

}  // namespace awsprof::tool
