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

std::optional<ContextFiles> read_context_files(const Tool& tool, const FileSystem& fs) {
  const ToolContext& context = tool.context();
  auto contents = fs.read_files({context.config_path, context.credentials_path}, tool.file_access());
  if (!contents) {
    tool.fail(contents.message());
    return std::nullopt;
  }
  return ContextFiles{{context.config_path, std::move((*contents)[0])},
                      {context.credentials_path, std::move((*contents)[1])}};
}

std::optional<LoadedProfiles> load_profiles_from(const Tool& tool, NamedContent config,
                                                 NamedContent credentials, Dialect dialect) {
  return load_profiles_from(tool, InputFile{config.label, shared_bytes(std::move(config.content))},
                            InputFile{credentials.label, shared_bytes(std::move(credentials.content))}, dialect);
}

}  // namespace awsprof::tool
