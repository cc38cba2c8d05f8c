#include "common/tool.hpp"

#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include "awsprof/support/suggest.hpp"
#include "common/completion_spec.hpp"
#include "common/format.hpp"

namespace awsprof::tool {
namespace {

// CLI11 reads an argument "[a,b]" given to an option that takes several values (KEY VALUE pairs,
// --rename-profile OLD NEW, a list of paths) as the list a, b, and "[x]" as x. awsprof's arguments
// are keys, values, names and paths, and reach it verbatim: an argument that ends in ']' gets this
// byte appended before CLI11 sees it, which no argv string can hold and which keeps CLI11 from
// splitting it, and every option takes it off again before its value is checked or stored.
constexpr char kVerbatimMark = '\0';

std::vector<std::string> marked_arguments(int argc, const char* const* argv) {
  std::vector<std::string> arguments;
  for (int i = argc - 1; i > 0; --i) {  // CLI11 takes them last first
    std::string argument = argv[i];
    if (argument.ends_with(']')) argument += kVerbatimMark;
    arguments.push_back(std::move(argument));
  }
  return arguments;
}

void unmark(std::string& text) {
  std::erase(text, kVerbatimMark);
}

// After a parse error: the options nearest to each unknown one the command line gave, as
// "Did you mean: --dry-run?", or "".
std::string option_hint(const CLI::App& app) {
  std::vector<std::string> known;
  for (const CLI::Option* option : app.get_options())
    for (const std::string& name : option->get_lnames()) known.push_back("--" + name);
  std::vector<std::string> near;
  for (std::string argument : app.remaining()) {
    unmark(argument);
    if (!argument.starts_with("--")) continue;
    for (std::string& name : nearest_names(argument.substr(0, argument.find('=')), known))
      if (std::find(near.begin(), near.end(), name) == near.end()) near.push_back(std::move(name));
  }
  return did_you_mean(near);
}

std::optional<OutputFormat> parse_output_format(std::string_view text) {
  if (text == "text") return OutputFormat::text;
  if (text == "table") return OutputFormat::table;
  if (text == "json") return OutputFormat::json;
  return std::nullopt;
}

// A command lives for a fraction of a second and reads, parses and writes files of megabytes
// several times (an edit reads the files before and after each step). glibc would give each
// freed large buffer back to the kernel and fault fresh pages in for the next one: a sixth of
// the time of `set` on a 10,000-profile file (bench/run-set.sh). Freed memory stays with the
// process instead, for the next buffer.
void keep_freed_memory() {
#ifdef __GLIBC__
  constexpr int kLarge = 32 * 1024 * 1024;  // the largest mmap threshold glibc takes
  mallopt(M_MMAP_THRESHOLD, kLarge);
  mallopt(M_TRIM_THRESHOLD, kLarge);
#endif
}

}  // namespace

CLI::Validator one_of(std::vector<std::string> choices) {
  std::string description;
  for (const auto& choice : choices) description += (description.empty() ? "" : "|") + choice;
  return CLI::Validator(
      [choices, description](std::string& value) -> std::string {
        for (const auto& choice : choices) {
          if (value == choice) return "";
        }
        return "invalid value '" + value + "' (expected " + description + ")";
      },
      "");
}

std::string did_you_mean(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) text += (i == 0 ? "Did you mean: " : ", ") + names[i];
  return text.empty() ? text : text + "?";
}

int exit_code(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return 0;
    case Outcome::findings:
      return 1;
    case Outcome::error:
      return 2;
  }
  return 2;
}

bool colour_enabled(int fd, const EnvLookup& env) {
  return isatty(fd) == 1 && env("TERM") != "dumb" && !env("NO_COLOR").has_value();
}

Tool::Tool(std::string_view command, std::string description, EnvLookup env)
    : display_name_("awsprof " + std::string(command)),
      env_(std::move(env)),
      app_(std::move(description), display_name_) {
  keep_freed_memory();
  context_.stdout_colour = colour_enabled(STDOUT_FILENO, env_);
  context_.stderr_colour = colour_enabled(STDERR_FILENO, env_);
  app_.set_help_flag("-h,--help", "Print this help and exit");
  app_.set_version_flag("--version", kVersionText, "Print the version and exit");
  app_.add_option("--config-file", config_file_, "The config file (else AWS_CONFIG_FILE, else ~/.aws/config)")
      ->type_name("PATH");
  app_.add_option("--credentials-file", credentials_file_,
                  "The credentials file (else AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)")
      ->type_name("PATH");
  app_.add_option("--profile", profile_,
                  "The profile (else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default)")
      ->type_name("NAME");
  app_.add_option("--output", output_, "Output format (default: table on a terminal, else text)")
      ->type_name("text|table|json")
      ->check(one_of({"text", "table", "json"}));
  app_.add_option("--dialect", dialect_,
                  "Read the files as the AWS CLI (cli) or the SDKs (sdk) do (default: cli)")
      ->type_name("cli|sdk")
      ->check(one_of({"cli", "sdk"}));
}

std::optional<int> Tool::parse(int argc, const char* const* argv) {
  if (auto exit = print_completion_spec_if_asked(app_, argc, argv, std::cout)) return exit;
  for (CLI::Option* option : app_.get_options())
    option->transform(CLI::Validator([](std::string& value) { return unmark(value), std::string(); }, ""));
  std::vector<std::string> arguments = marked_arguments(argc, argv);
  try {
    app_.parse(arguments);
  } catch (const CLI::CallForHelp&) {
    std::cout << app_.help();
    return exit_code(Outcome::ok);
  } catch (const CLI::CallForVersion&) {
    std::cout << app_.version() << '\n';
    return exit_code(Outcome::ok);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    unmark(message);
    // CLI11 starts some messages with a capital: "The following ..."
    if (message.size() > 1 && std::isupper(static_cast<unsigned char>(message[0])) &&
        std::islower(static_cast<unsigned char>(message[1]))) {
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    fail(message);
    if (std::string hint = option_hint(app_); !hint.empty()) std::cerr << hint << '\n';
    std::cerr << "Run '" << display_name_ << " --help' for usage.\n";
    return exit_code(Outcome::error);
  }
  context_.config_path = config_file_path(env_, config_file_);
  context_.credentials_path = credentials_file_path(env_, credentials_file_);
  auto named_by = [this](const std::optional<std::string>& flag, const char* flag_name, const char* variable) {
    return flag ? flag_name : env_(variable) ? variable : "";
  };
  context_.config_named_by = named_by(config_file_, "--config-file", "AWS_CONFIG_FILE");
  context_.credentials_named_by =
      named_by(credentials_file_, "--credentials-file", "AWS_SHARED_CREDENTIALS_FILE");
  context_.profile = select_profile(env_, profile_);
  context_.output = output_ ? *parse_output_format(*output_)
                            : (isatty(STDOUT_FILENO) == 1 ? OutputFormat::table : OutputFormat::text);
  context_.dialect = parse_dialect(dialect_).value_or(Dialect::cli);
  return std::nullopt;
}

void hide_output_flag(Tool& tool, std::optional<std::string>& output) {
  tool.app().remove_option(tool.app().get_option_no_throw("--output"));
  tool.app().add_option("--output", output)->group("");
}

FileAccessOptions Tool::file_access() const {
  FileAccessOptions options;
  if (std::optional<std::string> seconds = env_("AWSPROF_LOCK_TIMEOUT")) {
    char* end = nullptr;
    double value = std::strtod(seconds->c_str(), &end);
    if (end != seconds->c_str() && *end == '\0' && value >= 0 && value < 1e6)
      options.lock_timeout = std::chrono::milliseconds(static_cast<long long>(value * 1000));
  }
  const std::string name = display_name_;
  const auto limit = std::chrono::duration<double>(options.lock_timeout).count();
  options.on_lock_wait = [name, limit](const LockHolder& holder) {
    std::cerr << name << ": waiting for " << holder.directory << ", locked by "
              << (holder.pid ? "process " + std::to_string(*holder.pid) +
                                   (holder.command.empty() ? "" : " (" + holder.command + ")")
                             : std::string("another process"))
              << " (giving up after " << limit << " s)\n";
  };
  options.on_recovery = [name](const std::string& what) { std::cerr << name << ": note: " << what << "\n"; };
  return options;
}

int Tool::fail(std::string_view message) const {
  print_error(std::cerr, display_name_, message, context_.stderr_colour);
  return exit_code(Outcome::error);
}

void Tool::warn(std::string_view message) const {
  print_warning(std::cerr, display_name_, message, context_.stderr_colour);
}

}  // namespace awsprof::tool
