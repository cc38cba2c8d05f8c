// awsprof list: every profile in the config and credentials files, in `aws configure list-profiles` order.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/credential_chain.hpp"
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
};

ProfileRow row_of(const Section& profile) {
  const awsprof::Setting* region = profile.find("region");
  return {profile.name, awsprof::profile_kind(profile),
          region ? std::optional<std::string_view>(region->value) : std::nullopt, profile.in_config,
          profile.in_credentials};
}

std::string_view files_label(const ProfileRow& row) {
  if (row.in_config && row.in_credentials) return "both";
  return row.in_config ? "config" : "credentials";
}

std::string_view region_cell(const ProfileRow& row) { return row.region && !row.region->empty() ? *row.region : "-"; }

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

// The same layout as print_json, written directly: a JSON tree of 10,000 profiles took longer to
// build than reading the files.
void print_json_rows(const std::vector<Section>& profiles) {
  if (profiles.empty()) {
    std::cout << "[]\n";
    return;
  }
  ChunkedOutput output;
  std::string& out = output.buffer();
  out += "[\n"sv;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const ProfileRow row = row_of(profiles[i]);
    out += "  {\n    \"name\": "sv;
    append_json_string(out, row.name);
    out += ",\n    \"kind\": "sv;
    append_json_string(out, row.kind);
    out += ",\n    \"region\": "sv;
    if (row.region) {
      append_json_string(out, *row.region);
    } else {
      out += "null"sv;
    }
    out += ",\n    \"files\": [\n"sv;
    if (row.in_config) out += row.in_credentials ? "      \"config\",\n"sv : "      \"config\"\n"sv;
    if (row.in_credentials) out += "      \"credentials\"\n"sv;
    out += i + 1 < profiles.size() ? "    ]\n  },\n"sv : "    ]\n  }\n"sv;
    output.item_done();
  }
  out += "]\n"sv;
}

void print_profiles(const std::vector<Section>& profiles, bool names_only, const ToolContext& context) {
  if (!names_only && context.output == OutputFormat::table) {
    Table table({"NAME", "KIND", "REGION", "FILES"});
    for (const Section& profile : profiles) {
      const ProfileRow row = row_of(profile);
      table.add_row({std::string(row.name), std::string(row.kind), std::string(region_cell(row)),
                     std::string(files_label(row))});
    }
    table.print(std::cout, context.output, context.stdout_colour);
    return;
  }
  if (!names_only && context.output == OutputFormat::json) {
    print_json_rows(profiles);
    return;
  }
  ChunkedOutput output;
  std::string& out = output.buffer();
  for (const Section& profile : profiles) {
    if (names_only) {
      out.append(profile.name).append("\n");
    } else {
      const ProfileRow row = row_of(profile);
      out.append(row.name).append("\t").append(row.kind).append("\t").append(region_cell(row));
      out.append("\t").append(files_label(row)).append("\n");
    }
    output.item_done();
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
  print_profiles(loaded->model.profiles, names_only, tool.context());
  return exit_code(Outcome::ok);
}
