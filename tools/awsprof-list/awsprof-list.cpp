// awsprof list: every profile in the config and credentials files, in `aws configure list-profiles` order.
#include <iostream>
#include <string>
#include <vector>

#include "awsprof/credential_chain.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using awsprof::Section;
using namespace awsprof::tool;

/// One profile, as list reports it.
struct ProfileRow {
  std::string name;
  std::string kind;  ///< awsprof::profile_kind: "static", "assume-role", "sso", ...
  std::optional<std::string> region;
  bool in_config = false;
  bool in_credentials = false;
};

std::vector<ProfileRow> compute_rows(const awsprof::ProfileModel& model) {
  std::vector<ProfileRow> rows;
  for (const Section& profile : model.profiles) {
    const awsprof::Setting* region = profile.find("region");
    rows.push_back({std::string(profile.name), std::string(awsprof::profile_kind(profile)),
                    region ? std::optional<std::string>(region->value) : std::nullopt, profile.in_config,
                    profile.in_credentials});
  }
  return rows;
}

std::string files_label(const ProfileRow& row) {
  if (row.in_config && row.in_credentials) return "both";
  return row.in_config ? "config" : "credentials";
}

void print_rows(const std::vector<ProfileRow>& rows, bool names_only, const ToolContext& context) {
  if (names_only) {
    for (const ProfileRow& row : rows) std::cout << row.name << '\n';
  } else if (context.output == OutputFormat::json) {
    auto array = nlohmann::ordered_json::array();
    for (const ProfileRow& row : rows) {
      auto files = nlohmann::ordered_json::array();
      if (row.in_config) files.push_back("config");
      if (row.in_credentials) files.push_back("credentials");
      array.push_back({{"name", row.name},
                       {"kind", row.kind},
                       {"region", row.region ? nlohmann::ordered_json(*row.region) : nullptr},
                       {"files", files}});
    }
    print_json(std::cout, array);
  } else {
    Table table({"NAME", "KIND", "REGION", "FILES"});
    for (const ProfileRow& row : rows) {
      table.add_row(
          {row.name, row.kind, row.region && !row.region->empty() ? *row.region : "-", files_label(row)});
    }
    table.print(std::cout, context.output, context.stdout_colour);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("list", "List every profile in the config and credentials files.");
  bool names_only = false;
  tool.app().add_flag("--names", names_only,
                      "Print only the names, exactly as `aws configure list-profiles` does");
  if (auto exit = tool.parse(argc, argv)) return *exit;
  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  print_rows(compute_rows(loaded->model), names_only, tool.context());
  return exit_code(Outcome::ok);
}
