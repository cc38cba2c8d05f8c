// The hidden --awsprof-completion-spec flag: a tool prints its own CLI11 options as JSON, and
// completions/generate_completions.py turns every tool's answer into the bash, zsh and fish
// completion scripts at build time, so the completions cannot drift from the options.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

namespace awsprof::tool {

/// The flag. It is not registered with CLI11, so --help never shows it.
inline constexpr const char* kCompletionSpecFlag = "--awsprof-completion-spec";

/// `app`'s options, positionals and subcommands, as JSON:
/// {"name", "description", "options": [{"names": ["-h", "--help"], "description", "takes_value",
///  "value_name", "multiple"}], "positionals": [{"name", "value_name", "description", "max"}],
///  "subcommands": [...]}. "max" is -1 for any number. Hidden options (empty group) are left out.
nlohmann::ordered_json completion_spec(const CLI::App& app);

/// When argv is exactly `TOOL --awsprof-completion-spec`: prints completion_spec(app) on `out` and
/// returns 0 (the exit code). Otherwise returns nullopt and the tool parses argv as usual.
std::optional<int> print_completion_spec_if_asked(const CLI::App& app, int argc, const char* const* argv,
                                                  std::ostream& out);

}  // namespace awsprof::tool
