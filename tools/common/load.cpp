#include "common/load.hpp"

#include <iostream>

#include "common/format.hpp"

namespace awsprof::tool {
namespace {

/// Prints the error diagnostics about `label` and a line naming the file the dialect refuses.
void report_refused_file(const Tool& tool, const ProfileModel& model, const std::string& label,
                         const std::optional<Document>& document) {
  for (const Diagnostic& diagnostic : model.diagnostics) {
    if (diagnostic.severity == Severity::error && diagnostic.path == label) {
      print_diagnostic(std::cerr, diagnostic, document ? &*document : nullptr, tool.context().stderr_colour);
    }
  }
  const char* reader = model.dialect == Dialect::cli ? "the AWS CLI" : "the AWS SDKs";
  tool.fail(std::string(reader) + " cannot parse " + label);
}

}  // namespace

void report_refused_files(const Tool& tool, const LoadedProfiles& loaded, const std::string& config_label,
                          const std::string& credentials_label) {
  if (loaded.model.config_unreadable) report_refused_file(tool, loaded.model, config_label, loaded.config);
  if (loaded.model.credentials_unreadable) {
    report_refused_file(tool, loaded.model, credentials_label, loaded.credentials);
  }
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

std::optional<LoadedProfiles> load_profiles(const Tool& tool, const FileSystem& fs) {
  const ToolContext& context = tool.context();
  LoadedProfiles loaded;
  if (!load_document(tool, fs, context.config_path, loaded.config) ||
      !load_document(tool, fs, context.credentials_path, loaded.credentials)) {
    return std::nullopt;
  }
  InputFile config{context.config_path, loaded.config ? &*loaded.config : nullptr};
  InputFile credentials{context.credentials_path, loaded.credentials ? &*loaded.credentials : nullptr};
  loaded.model = build_profile_model(config, credentials, context.dialect);
  if (!loaded.model.unreadable()) return loaded;
  report_refused_files(tool, loaded, context.config_path, context.credentials_path);
  return std::nullopt;
}

std::optional<LoadedProfiles> load_profiles(const Tool& tool) {
  RealFileSystem fs;
  return load_profiles(tool, fs);
}

}  // namespace awsprof::tool
