// Loading a configuration from contents already in hand (two directories, a git revision), for
// the tools that read files other than the context's pair (diff).
#pragma once

#include <optional>
#include <string>

#include "awsprof/platform/file_system.hpp"
#include "awsprof/model/profile_model.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// One file's bytes (or its absence) and the name messages and diagnostics give it: a path, or
/// "REV:path" for a git revision.
struct NamedContent {
  std::string label;
  FileContent content;  ///< exists == false: missing, read as empty.
};

/// Reads `path` through `fs`, labelled with the path. nullopt, after printing the library's message
/// with tool.fail(), when the file cannot be read (a missing file is not an error).
std::optional<NamedContent> read_named(const Tool& tool, const FileSystem& fs, const std::string& path);

/// The context's config and credentials files, read as one consistent pair (FileSystem::read_files:
/// never one from before and one from after another process's edit), labelled with their paths.
/// nullopt, after printing the library's message with tool.fail(), when either cannot be read.
struct ContextFiles {
  NamedContent config;
  NamedContent credentials;
};
std::optional<ContextFiles> read_context_files(const Tool& tool, const FileSystem& fs);

/// Parses the two contents and builds the profile model in `dialect`. A file the dialect refuses
/// is reported as load_profiles() does (the error diagnostics, then "the AWS CLI cannot parse
/// LABEL") and the result is nullopt: exit with exit_code(Outcome::error).
std::optional<LoadedProfiles> load_profiles_from(const Tool& tool, NamedContent config,
                                                 NamedContent credentials, Dialect dialect);

}  // namespace awsprof::tool
