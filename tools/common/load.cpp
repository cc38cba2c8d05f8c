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

bool named_files_exist(const Tool& tool, bool config_exists, bool credentials_exists) {
  const ToolContext& context = tool.context();
  bool ok = true;
  auto check = [&](bool exists, const std::string& path, const std::string& named_by, const char* what) {
    if (exists || named_by.empty()) return;
    tool.fail(std::string("the ") + what + " file " + path + " (named by " + named_by + ") does not exist");
    ok = false;
  };
  check(config_exists, context.config_path, context.config_named_by, "config");
  check(credentials_exists, context.credentials_path, context.credentials_named_by, "credentials");
  return ok;
}

void report_refused_files(const Tool& tool, const LoadedProfiles& loaded) {
  if (loaded.model.config_unreadable) report_refused_file(tool, loaded.model, loaded.config);
  if (loaded.model.credentials_unreadable) report_refused_file(tool, loaded.model, loaded.credentials);
}

bool load_context_documents(const Tool& tool, const FileSystem& fs, std::optional<Document>& config,
                            std::optional<Document>& credentials) {
  std::optional<ContextFiles> files = read_context_files(tool, fs);
  if (!files) return false;
  if (files->config.content.exists) config = Document::parse(std::move(files->config.content.bytes));
  if (files->credentials.content.exists) credentials = Document::parse(std::move(files->credentials.content.bytes));
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
  std::optional<ContextFiles> files = read_context_files(tool, fs);
  if (!files) return std::nullopt;
  return load_profiles_from(tool, std::move(files->config), std::move(files->credentials), tool.context().dialect);
}

std::optional<LoadedProfiles> load_profiles(const Tool& tool) {
  RealFileSystem fs;
  return load_profiles(tool, fs);
}

}  // namespace awsprof::tool
