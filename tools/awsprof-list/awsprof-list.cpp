// awsprof list: every profile in the config and credentials files, in `aws configure list-profiles` order.
#include <fnmatch.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/credentials/credential_chain.hpp"
#include "awsprof/credentials/profile_graph.hpp"
#include "common/format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using namespace std::string_view_literals;
using awsprof::Section;
using namespace awsprof::tool;

/// One profile, as list reports it: views into the model.
struct ProfileRow {
  std::string_view name;
  std::string_view kind;  ///< awsprof::profile_kind: "static", "assume-role", "sso", ...
  std::optional<std::string_view> region;
  bool in_config = false;
  bool in_credentials = false;
  std::optional<std::string_view> expiration;  ///< awsprof::session_expiration, as written
  std::optional<bool> expired;                 ///< nullopt when there is no readable expiration
  awsprof::ProfileAccount account;             ///< awsprof::profile_account
  std::optional<std::string_view> role_arn, sso_role_name, sso_session, source_profile, credential_source;
  bool active = false;  ///< The selected profile (--profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, default).
};

/// What list shows, and of which profiles.
struct ListOptions {
  bool names_only = false;
  bool long_form = false;
  std::vector<std::string> globs;  ///< --filter: a profile matches any (fnmatch); none: every profile.
  std::vector<std::string> kinds;  ///< --kind: a profile has one of these kinds; none: any.
  std::string active;              ///< The selected profile's name.
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();

  bool selects_name(std::string_view section_name) const {
    if (globs.empty()) return true;
    const std::string name(section_name);  // fnmatch wants a C string
    return std::any_of(globs.begin(), globs.end(),
                       [&](const std::string& glob) { return fnmatch(glob.c_str(), name.c_str(), 0) == 0; });
  }
  bool selects(const Section& profile) const {
    if (!selects_name(profile.name)) return false;
    return kinds.empty() ||
           std::find(kinds.begin(), kinds.end(), awsprof::profile_kind(profile)) != kinds.end();
  }
};

/// The row of `profile`; the --long fields only when `with_long` (the JSON form has them too).
ProfileRow row_of(const Section& profile, const ListOptions& options, bool with_long) {
  ProfileRow row;
  row.name = profile.name;
  row.kind = awsprof::profile_kind(profile);
  row.in_config = profile.in_config;
  row.in_credentials = profile.in_credentials;
  row.active = profile.name == options.active;
  // One pass over the settings rather than a lookup per column: 10,000 profiles make it count.
  for (const awsprof::Setting& setting : profile.settings) {
    const std::string_view key = setting.key;
    if (key == "region") {
      row.region = setting.value;
    } else if (!with_long) {
      continue;
    } else if (key == "role_arn") {
      row.role_arn = setting.value;
    } else if (key == "sso_role_name") {
      row.sso_role_name = setting.value;
    } else if (key == "sso_session") {
      row.sso_session = setting.value;
    } else if (key == "source_profile") {
      row.source_profile = setting.value;
    } else if (key == "credential_source") {
      row.credential_source = setting.value;
    }
  }
  if (const awsprof::Setting* expiration = awsprof::session_expiration(profile)) {
    row.expiration = expiration->value;
    if (auto when = awsprof::parse_expiration_time(expiration->value)) row.expired = *when <= options.now;
  }
  if (with_long) row.account = awsprof::profile_account(profile);
  return row;
}

/// The expiration as written, "(expired)" after it when it has passed; "-" when there is none.
std::string expiration_cell(const ProfileRow& row) {
  if (!row.expiration || row.expiration->empty()) return "-";
  return std::string(*row.expiration) + (row.expired.value_or(false) ? " (expired)" : "");
}

std::string_view files_label(const ProfileRow& row) {
  if (row.in_config && row.in_credentials) return "both";
  return row.in_config ? "config" : "credentials";
}

std::optional<std::string_view> non_empty(std::string_view text) {
  return text.empty() ? std::nullopt : std::optional<std::string_view>(text);
}

/// The value, or "-" when it is not set or empty.
std::string_view cell(const std::optional<std::string_view>& value) {
  return value && !value->empty() ? *value : "-";
}

std::string_view region_cell(const ProfileRow& row) {
  return cell(row.region);
}

/// The role's name: the last element of role_arn, else sso_role_name.
std::optional<std::string_view> role_name(const ProfileRow& row) {
  if (row.role_arn)
    if (std::string_view name = awsprof::arn_role_name(*row.role_arn); !name.empty()) return name;
  return row.sso_role_name;
}

/// source_profile, else credential_source.
std::optional<std::string_view> source_of(const ProfileRow& row) {
  return row.source_profile ? row.source_profile : row.credential_source;
}

/// --long's cells after the default ones: ACCOUNT, ROLE, SSO_SESSION, SOURCE, ACTIVE.
std::vector<std::string> long_cells(const ProfileRow& row) {
  return {std::string(cell(non_empty(row.account.account_id))), std::string(cell(role_name(row))),
          std::string(cell(row.sso_session)), std::string(cell(source_of(row))), row.active ? "*" : "-"};
}

// Output in pieces of about 64 KiB through one reused buffer: ten thousand small writes through
// std::cout, or one buffer as large as the whole listing, each cost more than reading the files.
class ChunkedOutput {
 public:
  ChunkedOutput() { buffer_.reserve(kChunk + 4096); }
  ~ChunkedOutput() { flush(); }
  std::string& buffer() { return buffer_; }
  /// Call after each item.
  void item_done() {
    if (buffer_.size() >= kChunk) flush();
  }

 private:
  static constexpr std::size_t kChunk = 1 << 16;
  void flush() {
    std::cout.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  std::string buffer_;
};

void append_json_string_or_null(std::string& out, const std::optional<std::string_view>& value) {
  if (value) {
    append_json_string(out, *value);
  } else {
    out += "null"sv;
  }
}

// The same layout as print_json, written directly: a JSON tree of 10,000 profiles took longer to
// build than reading the files.
void print_json_rows(const std::vector<const Section*>& profiles, const ListOptions& options) {
  if (profiles.empty()) {
    std::cout << "[]\n";
    return;
  }
  ChunkedOutput output;
  std::string& out = output.buffer();
  out += "[\n"sv;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const ProfileRow row = row_of(*profiles[i], options, true);
    out += "  {\n    \"name\": "sv;
    append_json_string(out, row.name);
    out += ",\n    \"kind\": "sv;
    append_json_string(out, row.kind);
    out += ",\n    \"region\": "sv;
    append_json_string_or_null(out, row.region);
    out += ",\n    \"files\": [\n"sv;
    if (row.in_config) out += row.in_credentials ? "      \"config\",\n"sv : "      \"config\"\n"sv;
    if (row.in_credentials) out += "      \"credentials\"\n"sv;
    out += "    ],\n    \"expiration\": "sv;
    append_json_string_or_null(out, row.expiration);
    out += ",\n    \"expired\": "sv;
    out += row.expired ? (*row.expired ? "true"sv : "false"sv) : "null"sv;
    const std::pair<std::string_view, std::optional<std::string_view>> long_fields[] = {
        {"account_id", non_empty(row.account.account_id)},
        {"account_source", non_empty(row.account.source)},
        {"role_arn", row.role_arn},
        {"role_name", role_name(row)},
        {"sso_session", row.sso_session},
        {"source_profile", row.source_profile},
        {"credential_source", row.credential_source}};
    for (const auto& [key, value] : long_fields) {
      out += ",\n    \""sv;
      out += key;
      out += "\": "sv;
      append_json_string_or_null(out, value);
    }
    out += ",\n    \"active\": "sv;
    out += row.active ? "true"sv : "false"sv;
    out += i + 1 < profiles.size() ? "\n  },\n"sv : "\n  }\n"sv;
    output.item_done();
  }
  out += "]\n"sv;
}

void print_profiles(const std::vector<const Section*>& profiles, const ListOptions& options,
                    const ToolContext& context) {
  if (!options.names_only && context.output == OutputFormat::table) {
    // For a person: the active profile marked in front of its name, as `git branch` does.
    std::vector<std::string> header{"  NAME", "KIND", "REGION", "FILES", "EXPIRES"};
    if (options.long_form) header.insert(header.end(), {"ACCOUNT", "ROLE", "SSO_SESSION", "SOURCE"});
    Table table(header);
    for (const Section* profile : profiles) {
      const ProfileRow row = row_of(*profile, options, options.long_form);
      std::vector<std::string> cells{(row.active ? "* " : "  ") + std::string(row.name),
                                     std::string(row.kind), std::string(region_cell(row)),
                                     std::string(files_label(row)), expiration_cell(row)};
      if (options.long_form) {
        std::vector<std::string> more = long_cells(row);
        cells.insert(cells.end(), more.begin(), more.end() - 1);  // the mark is in front already
      }
      table.add_row(std::move(cells));
    }
    table.print(std::cout, context.output, context.stdout_colour);
    return;
  }
  if (!options.names_only && context.output == OutputFormat::json) {
    print_json_rows(profiles, options);
    return;
  }
  ChunkedOutput output;
  std::string& out = output.buffer();
  for (const Section* profile : profiles) {
    if (options.names_only) {
      out.append(profile->name).append("\n");
    } else {
      const ProfileRow row = row_of(*profile, options, options.long_form);
      out.append(row.name).append("\t").append(row.kind).append("\t").append(region_cell(row));
      out.append("\t").append(files_label(row)).append("\t").append(expiration_cell(row));
      if (options.long_form)
        for (const std::string& more : long_cells(row)) out.append("\t").append(more);
      out.append("\n");
    }
    output.item_done();
  }
}

/// The names of other sections ([sso-session NAME], [services NAME]) that --filter selects: one a
/// line, or a JSON array of {"name"}.
void print_section_names(const std::vector<Section>& sections, const ListOptions& options,
                         const ToolContext& context) {
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  std::string lines;
  for (const Section& section : sections) {
    if (!options.selects_name(section.name)) continue;
    names.push_back({{"name", section.name}});
    lines.append(section.name).append("\n");
  }
  if (context.output == OutputFormat::json) {
    print_json(std::cout, names);
  } else {
    std::cout << lines;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("list", "List every profile in the config and credentials files.");
  ListOptions options;
  tool.app().add_flag("--names", options.names_only,
                      "Print only the names, exactly as `aws configure list-profiles` does");
  tool.app().add_flag(
      "-l,--long", options.long_form,
      "Also show the account id, role, sso_session, source profile (or credential_source), and "
      "which profile is active");
  tool.app()
      .add_option("--filter", options.globs,
                  "Only the profiles whose name matches this glob (may be repeated)")
      ->type_name("GLOB");
  tool.app()
      .add_option("--kind", options.kinds, "Only the profiles of this kind (may be repeated)")
      ->type_name("assume-role|web-identity|sso|static|login|process|config-only")
      ->check(one_of({"assume-role", "web-identity", "sso", "static", "login", "process", "config-only"}));
  std::string section_type = "profile";
  tool.app()
      .add_option(
          "--section-type", section_type,
          "List the names of the [sso-session NAME] or [services NAME] sections instead of the profiles "
          "(for the shell completions)")
      ->type_name("profile|sso-session|services")
      ->check(one_of({"profile", "sso-session", "services"}));
  if (auto exit = tool.parse(argc, argv)) return *exit;
  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  if (section_type != "profile") {
    print_section_names(section_type == "sso-session" ? loaded->model.sso_sessions : loaded->model.services,
                        options, tool.context());
    return exit_code(Outcome::ok);
  }
  const ToolContext& context = tool.context();
  options.active = context.profile.name;
  // The listing is of every profile, so a name that is not one of them is said, not fatal; the
  // output stays what `aws configure list-profiles` prints (it ignores --profile and AWS_PROFILE).
  if (named_but_missing(context.profile, loaded->model))
    tool.warn(missing_profile_message(loaded->model, context.profile.name));
  std::vector<const Section*> shown;
  shown.reserve(loaded->model.profiles.size());
  for (const Section& profile : loaded->model.profiles)
    if (options.selects(profile)) shown.push_back(&profile);
  print_profiles(shown, options, context);
  return exit_code(Outcome::ok);
}
