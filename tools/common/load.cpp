#include "common/load.hpp"

#include <iostream>

#include "common/format.hpp"
#include "common/load_content.hpp"

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

bool named_but_missing(const SelectedProfile& profile, const ProfileModel& model) {
  return profile.source != ProfileSource::default_name && model.find_profile(profile.name) == nullptr;
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
  std::optional<NamedContent> named = read_named(tool, fs, path);
  if (!named) return false;
  if (named->content.exists) document = Document::parse(std::move(named->content.bytes));
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
  std::optional<NamedContent> config = read_named(tool, fs, context.config_path);
  std::optional<NamedContent> credentials = config ? read_named(tool, fs, context.credentials_path) : std::nullopt;
  if (!credentials) return std::nullopt;
  return load_profiles_from(tool, std::move(*config), std::move(*credentials), context.dialect);
}

std::optional<LoadedProfiles> load_profiles(const Tool& tool) {
  RealFileSystem fs;
  return load_profiles(tool, fs);
}

}  // namespace awsprof::tool
