#include "common/tool.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include "common/completion_spec.hpp"
#include "common/format.hpp"

namespace awsprof::tool {
namespace {

std::optional<OutputFormat> parse_output_format(std::string_view text) {
  if (text == "text") return OutputFormat::text;
  if (text == "table") return OutputFormat::table;
  if (text == "json") return OutputFormat::json;
  return std::nullopt;
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
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app_.help();
    return exit_code(Outcome::ok);
  } catch (const CLI::CallForVersion&) {
    std::cout << app_.version() << '\n';
    return exit_code(Outcome::ok);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();  // CLI11 starts some messages with a capital: "The following ..."
    if (message.size() > 1 && std::isupper(static_cast<unsigned char>(message[0])) &&
        std::islower(static_cast<unsigned char>(message[1]))) {
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    fail(message);
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
