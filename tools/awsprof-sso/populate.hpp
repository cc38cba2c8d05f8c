// awsprof sso populate: one profile per account and role of an [sso-session], kept in sync
// (list_sso_assignments, then populate_profiles inside one locked write of both files).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "awsprof/credentials/credential_resolver.hpp"
#include "awsprof/model/profile_model.hpp"
#include "common/edit.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// The subcommand's own flags, as given.
struct PopulateFlags {
  std::optional<std::string> session;
  std::optional<std::string> name_template;
  std::optional<std::string> preset;
  std::optional<std::string> region;
  bool prune = false;
  bool adopt = false;
  int jobs = 8;
  int timeout = 600;
};

/// Adds `populate` and its flags (those above, and --dry-run) to the sso tool.
CLI::App* add_populate_command(CLI::App& app, PopulateFlags& flags, std::optional<EditFlags>& edit_flags);

/// Runs it, after the tool has read the files and the network settings.
int run_populate(const Tool& tool, const ProfileModel& model, const NetworkSettings& settings,
                 const PopulateFlags& flags, const EditFlags& edit_flags,
                 const std::function<void(std::string_view)>& log);

}  // namespace awsprof::tool
