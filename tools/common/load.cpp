#include "common/load.hpp"

#include <iostream>

#include "common/format.hpp"

namespace awsprof::tool {
namespace {

/// Prints the error diagnostics about `file` and a line naming the file the dialect refuses.
void report_refused_file(const Tool& tool, const ProfileModel& model, const InputFile& file) {
  // The layout is parsed only here, on the way out, to show the offending lines.
  std::optional<Document> document;
  if (file.document == nullptr && file.exists()) document = Document::parse(*file.text);
  const Document* layout = file.document != nullptr ? file.document : document ? &*document : nullptr;
  for (const Diagnostic& diagnostic : model.diagnostics) {
    if (diagnostic.severity == Severity::error && diagnostic.path == file.path) {
      print_diagnostic(std::cerr, diagnostic, layout, tool.context().stderr_colour);
    }
  }
  const char* reader = model.dialect == Dialect::cli ? "the AWS CLI" : "the AWS SDKs";
  tool.fail(std::string(reader) + " cannot parse " + file.path);
}

}  // namespace

void LoadedProfiles::parse_layout() {
  auto parse = [](InputFile& file, std::unique_ptr<Document>& layout) {
    if (!file.exists() || file.document != nullptr) return;
    layout = std::make_unique<Document>(Document::parse(*file.text));
    file.document = layout.get();
  };
  parse(config, config_layout_);
  parse(credentials, credentials_layout_);
}

std::shared_ptr<const std::string> shared_bytes(FileContent content) {
  if (!content.exists) return nullptr;
  return std::make_shared<const std::string>(std::move(content.bytes));
}

void report_refused_files(const Tool& tool, const LoadedProfiles& loaded) {
  if (loaded.model.config_unreadable) report_refused_file(tool, loaded.model, loaded.config);
  if (loaded.model.credentials_unreadable) report_refused_file(tool, loaded.model, loaded.credentials);
}

bool load_document(const Tool& tool, const FileSystem& fs, const std::string& path,
                   std::optional<Document>& document) {
  Result<FileContent> content = fs.read_file(path);
  if (!content) {
    tool.fail(content.message());
    return false;
  }
  if (content->exists) document = Document::parse(std::move(content->bytes));
  return true;
}

std::optional<LoadedProfiles> load_profiles_from(const Tool& tool, InputFile config, InputFile credentials,
                                                 Dialect dialect) {
  LoadedProfiles loaded;
  loaded.config = std::move(config);
  loaded.credentials = std::move(credentials);
  loaded.model = build_profile_model(loaded.config, loaded.credentials, dialect);
  if (!loaded.model.unreadable()) return loaded;
  report_refused_files(tool, loaded);
  return std::nullopt;
}

std::optional<LoadedProfiles> load_profiles(const Tool& tool, const FileSystem& fs) {
  const ToolContext& context = tool.context();
  Result<FileContent> config = fs.read_file(context.config_path);
  if (!config) {
    tool.fail(config.message());
    return std::nullopt;
  }
  Result<FileContent> credentials = fs.read_file(context.credentials_path);
  if (!credentials) {
    tool.fail(credentials.message());
    return std::nullopt;
  }
  return load_profiles_from(tool, InputFile{context.config_path, shared_bytes(std::move(*config))},
                            InputFile{context.credentials_path, shared_bytes(std::move(*credentials))},
                            context.dialect);
}

std::optional<LoadedProfiles> load_profiles(const Tool& tool) {
  RealFileSystem fs;
  return load_profiles(tool, fs);
}

}  // namespace awsprof::tool
