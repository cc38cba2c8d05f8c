#include "common/load_content.hpp"

#include <utility>

namespace awsprof::tool {

std::optional<NamedContent> read_named(const Tool& tool, const FileSystem& fs, const std::string& path) {
  Result<FileContent> content = fs.read_file(path);
  if (!content) {
    tool.fail(content.message());
    return std::nullopt;
  }
  return NamedContent{path, std::move(*content)};
}

std::optional<LoadedProfiles> load_profiles_from(const Tool& tool, NamedContent config,
                                                 NamedContent credentials, Dialect dialect) {
  return load_profiles_from(tool, InputFile{config.label, shared_bytes(std::move(config.content))},
                            InputFile{credentials.label, shared_bytes(std::move(credentials.content))}, dialect);
}

}  // namespace awsprof::tool
