// awsprof diff: what differs between two configurations (two files, two directories, the files
// and a git revision of them, or two profiles), as the selected dialect reads them.
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "awsprof/checks/config_diff.hpp"
#include "common/format.hpp"
#include "common/load_content.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;

/// The tool's own flags.
struct DiffFlags {
  std::vector<std::string> inputs;
  std::optional<std::string> revision;
  std::optional<std::string> against;
  std::string file_kind = "config";
};

/// The two configurations to compare, and the names the output gives them.
struct Inputs {
  std::string old_label;
  std::string new_label;
  NamedContent old_config, old_credentials, new_config, new_credentials;
};

int usage_error(const Tool& tool, const std::string& message) {
  tool.fail(message);
  std::cerr << "Run '" << tool.display_name() << " --help' for usage.\n";
  return exit_code(Outcome::error);
}

bool is_directory(const std::string& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error);
}

/// "dir/name", without doubling a trailing slash of `directory`.
std::string in_directory(const std::string& directory, const char* name) {
  return directory + (directory.ends_with('/') ? "" : "/") + name;
}

NamedContent empty(std::string label) {
  return NamedContent{std::move(label), FileContent{}};
}

/// A and B: two directories (each with config and credentials), or two files of --file-kind.
std::optional<Inputs> read_arguments(const Tool& tool, const DiffFlags& flags) {
  RealFileSystem fs;
  const std::string& a = flags.inputs[0];
  const std::string& b = flags.inputs[1];
  for (const std::string& path : {a, b}) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      tool.fail(path + ": no such file or directory");
      return std::nullopt;
    }
  }
  Inputs inputs{a, b, {}, {}, {}, {}};
  if (is_directory(a) != is_directory(b)) {
    usage_error(tool, "give two files or two directories, not one of each");
    return std::nullopt;
  }
  if (is_directory(a)) {
    auto old_config = read_named(tool, fs, in_directory(a, "config"));
    auto old_credentials = old_config ? read_named(tool, fs, in_directory(a, "credentials")) : std::nullopt;
    auto new_config = old_credentials ? read_named(tool, fs, in_directory(b, "config")) : std::nullopt;
    auto new_credentials = new_config ? read_named(tool, fs, in_directory(b, "credentials")) : std::nullopt;
    if (!new_credentials) return std::nullopt;
    inputs.old_config = std::move(*old_config);
    inputs.old_credentials = std::move(*old_credentials);
    inputs.new_config = std::move(*new_config);
    inputs.new_credentials = std::move(*new_credentials);
    return inputs;
  }
  auto old_file = read_named(tool, fs, a);
  auto new_file = old_file ? read_named(tool, fs, b) : std::nullopt;
  if (!new_file) return std::nullopt;
  bool credentials = flags.file_kind == "credentials";
  (credentials ? inputs.old_credentials : inputs.old_config) = std::move(*old_file);
  (credentials ? inputs.new_credentials : inputs.new_config) = std::move(*new_file);
  (credentials ? inputs.old_config : inputs.old_credentials) = empty("");
  (credentials ? inputs.new_config : inputs.new_credentials) = empty("");
  return inputs;
}

/// The context's files as they are (new) and at the git revision (old). A file outside every git
/// work tree is compared with itself; when neither file is inside one, that is an error.
std::optional<Inputs> read_revision(const Tool& tool, const std::string& revision) {
  RealFileSystem fs;
  const ToolContext& context = tool.context();
  Inputs inputs{revision, "working tree", {}, {}, {}, {}};
  auto files = read_context_files(tool, fs);
  if (!files) return std::nullopt;
  bool any_tracked = false;
  for (auto [current, old_side] :
       {std::pair{&files->config, &inputs.old_config}, std::pair{&files->credentials, &inputs.old_credentials}}) {
    if (!in_git_work_tree(current->label)) {
      *old_side = *current;
      continue;
    }
    any_tracked = true;
    Result<GitFile> file = read_file_at_revision(current->label, revision);
    if (!file) {
      tool.fail(file.message());
      return std::nullopt;
    }
    *old_side = NamedContent{file->label, std::move(file->content)};
  }
  if (!any_tracked) {
    tool.fail("neither " + context.config_path + " nor " + context.credentials_path +
              " is inside a git work tree");
    return std::nullopt;
  }
  inputs.new_config = std::move(files->config);
  inputs.new_credentials = std::move(files->credentials);
  return inputs;
}

/// "[default]", "[profile dev]", "[sso-session corp]", "[services s]", "[plugins]".
std::string section_header(SectionType type, const std::string& name) {
  if (type == SectionType::profile && name == "default") return "[default]";
  switch (type) {
    case SectionType::profile:
      return "[" + format_section_header({"profile", name}) + "]";
    case SectionType::sso_session:
      return "[" + format_section_header({"sso-session", name}) + "]";
    case SectionType::services:
      return "[" + format_section_header({"services", name}) + "]";
    case SectionType::other:
      break;
  }
  return "[" + name + "]";
}

/// Prints text diffs: "--- A", "+++ B", then per section "@@ [profile x] @@" and its lines.
class TextPrinter {
 public:
  TextPrinter(std::ostream& out, bool colour) : out_(out), colour_(colour) {}

  void print(const ConfigDiff& diff, const std::string& old_label, const std::string& new_label,
             const std::optional<std::string>& against) {
    out_ << styled("--- " + old_label, Style::bold, colour_) << '\n';
    out_ << styled("+++ " + new_label, Style::bold, colour_) << '\n';
    const ConfigChange* previous = nullptr;
    for (const ConfigChange& change : diff.changes) {
      bool new_section = previous == nullptr || previous->section_type != change.section_type ||
                         previous->section != change.section;
      if (new_section) {
        std::string header = section_header(change.section_type, change.section);
        if (against) header += " \u2192 " + section_header(SectionType::profile, *against);
        std::string suffix = change.key.empty() ? std::string(" ") + to_string(change.kind) : "";
        out_ << styled("@@ " + header + " @@", Style::cyan, colour_) << suffix << '\n';
      }
      if (change.key.empty()) {
        previous = &change;
        continue;
      }
      bool same_parent = !new_section && !change.sub_key.empty() && previous->key == change.key &&
                         !previous->sub_key.empty();
      if (!change.sub_key.empty() && !same_parent) out_ << ' ' << change.key << " =\n";
      print_change(change);
      previous = &change;
    }
  }

 private:
  void print_change(const ConfigChange& change) {
    std::string indent = change.sub_key.empty() ? "" : "  ";
    const std::string& key = change.sub_key.empty() ? change.key : change.sub_key;
    if (change.kind == ChangeKind::changed && change.secret) {
      line('~', Style::magenta,
           indent + key + " changed (" + *change.old_value + " \u2192 " + *change.new_value + ")");
      return;
    }
    if (change.old_value) value_lines('-', Style::red, indent + key, *change.old_value);
    if (change.new_value) value_lines('+', Style::green, indent + key, *change.new_value);
  }

  /// "key = value"; a value of several lines continues on lines indented by two blanks.
  void value_lines(char sign, Style style, const std::string& key, const std::string& value) {
    std::size_t end = value.find('\n');
    std::string first = value.substr(0, end);
    line(sign, style, key + " =" + (first.empty() ? "" : " " + first));
    while (end != std::string::npos) {
      std::size_t start = end + 1;
      end = value.find('\n', start);
      std::string text = value.substr(start, end == std::string::npos ? end : end - start);
      line(sign, style, text.empty() ? text : "  " + text);  // a blank line of a block: no trailing blanks
    }
  }

  void line(char sign, Style style, const std::string& text) {
    out_ << styled(std::string(1, sign) + text, style, colour_) << '\n';
  }

  std::ostream& out_;
  bool colour_;
};

nlohmann::ordered_json optional_string(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json to_json(const ConfigDiff& diff, const std::optional<std::string>& against) {
  auto array = nlohmann::ordered_json::array();
  for (const ConfigChange& change : diff.changes) {
    nlohmann::ordered_json item;
    item["kind"] = to_string(change.kind);
    item["section_type"] = to_string(change.section_type);
    item["section"] = change.section;
    if (against) item["against"] = *against;
    item["key"] = change.key.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(change.key);
    item["sub_key"] =
        change.sub_key.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(change.sub_key);
    item["old"] = optional_string(change.old_value);
    item["new"] = optional_string(change.new_value);
    item["secret"] = change.secret;
    array.push_back(std::move(item));
  }
  return array;
}

/// Checks the combination of flags; an error message, or "" when it is valid.
std::string check_flags(Tool& tool, const DiffFlags& flags) {
  bool files = !flags.inputs.empty();
  if (flags.file_kind != "config" && flags.file_kind != "credentials") {
    return "--file-kind: invalid value '" + flags.file_kind + "' (expected config|credentials)";
  }
  if (files && flags.inputs.size() != 2)
    return "expected two files or two directories, not " + std::to_string(flags.inputs.size());
  if (flags.revision && flags.against) return "--git and --against cannot be combined";
  if (files && (flags.revision || flags.against)) {
    return std::string(flags.revision ? "--git" : "--against") +
           " compares the current files: give no FILE arguments";
  }
  if (!files && !flags.revision && !flags.against) {
    return "nothing to compare: give two files or two directories, --git REV, or --against PROFILE";
  }
  if (files && (tool.app().count("--config-file") > 0 || tool.app().count("--credentials-file") > 0)) {
    return "--config-file and --credentials-file apply only to --git and --against";
  }
  if (!files && tool.app().count("--file-kind") > 0) return "--file-kind applies only to two files";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("diff", "Compare two AWS configurations: added, removed and changed profiles and keys.");
  DiffFlags flags;
  CLI::App& app = tool.app();
  app.add_option("paths", flags.inputs,
                 "A B: two config files, or two directories each holding config and credentials")
      ->type_name("PATH");
  app.add_option("--git", flags.revision,
                 "Compare the files as they are with their content at git revision REV")
      ->type_name("REV");
  app.add_option("--against", flags.against,
                 "Compare the profile --profile (else AWS_PROFILE, ..., else default) with this one")
      ->type_name("PROFILE");
  app.add_option("--file-kind", flags.file_kind,
                 "Read two files A and B as config (default) or credentials files")
      ->type_name("config|credentials");
  if (auto exit = tool.parse(argc, argv)) return *exit;
  if (std::string problem = check_flags(tool, flags); !problem.empty()) return usage_error(tool, problem);
  const ToolContext& context = tool.context();

  std::optional<Inputs> inputs;
  if (flags.against) {
    RealFileSystem fs;
    auto files = read_context_files(tool, fs);
    if (!files) return exit_code(Outcome::error);
    inputs = Inputs{section_header(SectionType::profile, context.profile.name),
                    section_header(SectionType::profile, *flags.against),
                    std::move(files->config),
                    std::move(files->credentials),
                    {},
                    {}};
  } else {
    inputs = flags.revision ? read_revision(tool, *flags.revision) : read_arguments(tool, flags);
    if (!inputs) return exit_code(Outcome::error);
  }

  auto old_model = load_profiles_from(tool, inputs->old_config, inputs->old_credentials, context.dialect);
  std::optional<LoadedProfiles> new_model;
  if (!flags.against) {
    new_model = load_profiles_from(tool, inputs->new_config, inputs->new_credentials, context.dialect);
  }
  if (!old_model || (!flags.against && !new_model)) return exit_code(Outcome::error);

  ConfigDiff diff;
  if (flags.against) {
    Result<ConfigDiff> profiles = diff_profiles(old_model->model, context.profile.name, *flags.against);
    if (!profiles) return tool.fail(profiles.message());
    diff = std::move(*profiles);
  } else {
    diff = diff_configs(old_model->model, new_model->model);
    if (context.profile.explicit_on_command_line()) diff = filter_profile(diff, context.profile.name);
  }

  if (context.output == OutputFormat::json) {
    print_json(std::cout, to_json(diff, flags.against));
  } else if (!diff.empty()) {
    TextPrinter(std::cout, context.stdout_colour)
        .print(diff, inputs->old_label, inputs->new_label, flags.against);
  }
  return exit_code(diff.empty() ? Outcome::ok : Outcome::findings);
}
