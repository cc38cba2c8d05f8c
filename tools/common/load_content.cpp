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
  LoadedProfiles loaded;
  if (config.content.exists) loaded.config = Document::parse(std::move(config.content.bytes));
  if (credentials.content.exists) loaded.credentials = Document::parse(std::move(credentials.content.bytes));
  InputFile config_file{config.label, loaded.config ? &*loaded.config : nullptr};
  InputFile credentials_file{credentials.label, loaded.credentials ? &*loaded.credentials : nullptr};
  loaded.model = build_profile_model(config_file, credentials_file, dialect);
  if (!loaded.model.unreadable()) return loaded;
  report_refused_files(tool, loaded, config.label, credentials.label);
  return std::nullopt;
}

}  // namespace awsprof::tool
