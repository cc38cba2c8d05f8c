#include "common/load_content.hpp"

#include <iostream>
#include <utility>

#include "common/format.hpp"

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
  const char* reader = dialect == Dialect::cli ? "the AWS CLI" : "the AWS SDKs";
  for (auto [refused, label, document] :
       {std::tuple{loaded.model.config_unreadable, &config.label, &loaded.config},
        std::tuple{loaded.model.credentials_unreadable, &credentials.label, &loaded.credentials}}) {
    if (!refused) continue;
    for (const Diagnostic& diagnostic : loaded.model.diagnostics) {
      if (diagnostic.severity == Severity::error && diagnostic.path == *label) {
        print_diagnostic(std::cerr, diagnostic, *document ? &**document : nullptr,
                         tool.context().stderr_colour);
      }
    }
    tool.fail(std::string(reader) + " cannot parse " + *label);
  }
  return std::nullopt;
}

}  // namespace awsprof::tool
