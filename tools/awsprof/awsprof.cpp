// awsprof: the git-style dispatcher. `awsprof CMD ARGS...` runs `awsprof-CMD ARGS...`, found first
// beside this executable, then on PATH.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/suggest.hpp"
#include "common/format.hpp"
#include "common/tool.hpp"

namespace {

namespace fs = std::filesystem;
using awsprof::tool::exit_code;
using awsprof::tool::Outcome;

/// The known commands and their one-line descriptions: the one table that --help reads. Add a row
/// with each new tools/awsprof-<cmd>. Commands found on disk but not named here are listed bare.
struct CommandInfo {
  std::string_view name;
  std::string_view description;
};
constexpr CommandInfo kKnownCommands[] = {
    {"diff", "Compare two configurations: added, removed and changed profiles and keys"},
    {"export-credentials",
     "Resolve a profile's credentials and print them (env, process JSON, shell formats)"},
    {"exec", "Run a command with a profile's credentials in its environment (no shell)"},
    {"explain",
     "Explain where each setting of a profile comes from, what it shadows, and which credentials win"},
    {"get", "Print one setting, exactly as `aws configure get` does"},
    {"graph", "Show which credentials sign which profile: a tree, Graphviz DOT, Mermaid or JSON (offline)"},
    {"import", "Import credentials (IAM console CSV, STS JSON, environment) or merge a team baseline config"},
    {"lint", "Check the credential hygiene of the AWS files, or look for AWS credentials in files"},
    {"list", "List every profile in the config and credentials files"},
    {"set", "Set keys (checked against the settings catalogue), or rename, copy or delete a profile"},
    {"sso", "Log in to IAM Identity Center (AWS SSO), show or end the logins, and generate a profile per role"},
    {"test", "Resolve each profile's credentials as the AWS CLI does and call STS GetCallerIdentity"},
    {"unset", "Remove keys from the config and credentials files, and sections left empty"},
    {"validate", "Check the config and credentials files: structure, settings, profiles and dialects"},
};

std::string_view describe(std::string_view name) {
  for (const CommandInfo& command : kKnownCommands) {
    if (command.name == name) return command.description;
  }
  return {};
}

/// Where commands are looked for, in order: this executable's directory, then PATH.
std::vector<fs::path> search_directories() {
  std::vector<fs::path> directories;
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) directories.push_back(self.parent_path());
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (!rest.empty()) {
    std::size_t colon = rest.find(':');
    std::string_view entry = rest.substr(0, colon);
    if (!entry.empty()) directories.emplace_back(entry);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  }
  return directories;
}

bool is_executable_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && access(path.c_str(), X_OK) == 0;
}

/// Every awsprof-* executable, by command name; the first directory that has a name wins.
std::map<std::string, fs::path> find_commands() {
  std::map<std::string, fs::path> commands;
  for (const fs::path& directory : search_directories()) {
    std::error_code error;
    for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
      std::string file = it->path().filename().string();
      if (file.size() > 8 && file.starts_with("awsprof-") && is_executable_file(it->path())) {
        commands.emplace(file.substr(8), it->path());
      }
    }
  }
  return commands;
}

std::optional<fs::path> find_command(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  for (const fs::path& directory : search_directories()) {
    fs::path candidate = directory / ("awsprof-" + std::string(name));
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

/// Existing commands within edit distance 2 of `typed` (or starting with it), nearest first.
std::vector<std::string> suggestions(std::string_view typed) {
  std::vector<std::pair<std::size_t, std::string>> close;
  for (const auto& [name, path] : find_commands()) {
    // Plain Levenshtein: an adjacent swap counts as two edits here, as it always has.
    std::size_t distance = awsprof::edit_distance(typed, name, /*transpositions=*/false);
    if (distance <= 2 || name.starts_with(typed)) close.emplace_back(distance, name);
  }
  std::sort(close.begin(), close.end());
  std::vector<std::string> names;
  for (auto& entry : close) names.push_back(std::move(entry.second));
  return names;
}

void print_help(std::ostream& out) {
  out << "Usage: awsprof <command> [options]\n"
         "       awsprof help <command>\n"
         "       awsprof --help | --version\n\n"
         "Tools for the AWS shared config and credentials files.\n\nCommands:\n";
  awsprof::tool::Table table({});
  for (const auto& [name, path] : find_commands()) table.add_row({name, std::string(describe(name))});
  table.print_aligned(out, false, 2);
  out << "\nRun 'awsprof <command> --help' for the options of a command.\n";
}

int fail(const std::string& message,
         std::string_view hint = "Run 'awsprof --help' for the list of commands.") {
  awsprof::tool::print_error(std::cerr, "awsprof", message,
                             awsprof::tool::colour_enabled(STDERR_FILENO, awsprof::process_environment()));
  if (!hint.empty()) std::cerr << hint << '\n';
  return exit_code(Outcome::error);
}

int unknown_command(std::string_view typed) {
  std::string hint = awsprof::tool::did_you_mean(suggestions(typed));
  if (!hint.empty()) hint += "\n";
  return fail("unknown command '" + std::string(typed) + "'",
              hint + "Run 'awsprof --help' for the list of commands.");
}

/// Replaces this process with awsprof-`command`; returns only on failure.
int run_command(std::string_view command, const std::vector<std::string>& args) {
  std::optional<fs::path> path = find_command(command);
  if (!path) return unknown_command(command);
  std::vector<char*> argv{const_cast<char*>(path->c_str())};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(path->c_str(), argv.data());
  return fail("cannot run " + path->string() + ": " + std::strerror(errno), "");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (args.empty()) {
    print_help(std::cerr);
    return exit_code(Outcome::error);
  }
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || (first == "help" && args.size() == 1)) {
    print_help(std::cout);
    return exit_code(Outcome::ok);
  }
  if (first == "--version") {
    std::cout << awsprof::tool::kVersionText << '\n';
    return exit_code(Outcome::ok);
  }
  if (first == "help") return run_command(args[1], {"--help"});
  if (first.starts_with("-")) return fail("unknown option '" + first + "'");
  return run_command(first, std::vector<std::string>(args.begin() + 1, args.end()));
}
