// awsprof list: every profile in the config and credentials files, in `aws configure list-profiles` order.
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/credentials/credential_chain.hpp"
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
};

ProfileRow row_of(const Section& profile, std::chrono::system_clock::time_point now) {
  const awsprof::Setting* region = profile.find("region");
  ProfileRow row{profile.name,
                 awsprof::profile_kind(profile),
                 region ? std::optional<std::string_view>(region->value) : std::nullopt,
                 profile.in_config,
                 profile.in_credentials,
                 std::nullopt,
                 std::nullopt};
  if (const awsprof::Setting* expiration = awsprof::session_expiration(profile)) {
    row.expiration = expiration->value;
    if (auto when = awsprof::parse_expiration_time(expiration->value)) row.expired = *when <= now;
  }
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

void append_json_string_or_null(std::string& out, const std::optional<std::string_view>& value) {
  if (value) {
    append_json_string(out, *value);
  } else {
    out += "null"sv;
  }
}

// The same layout as print_json, written directly: a JSON tree of 10,000 profiles took longer to
// build than reading the files.
void print_json_rows(const std::vector<Section>& profiles, std::chrono::system_clock::time_point now) {
  if (profiles.empty()) {
    std::cout << "[]\n";
    return;
  }
  ChunkedOutput output;
  std::string& out = output.buffer();
  out += "[\n"sv;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const ProfileRow row = row_of(profiles[i], now);
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
    out += i + 1 < profiles.size() ? "\n  },\n"sv : "\n  }\n"sv;
    output.item_done();
  }
  out += "]\n"sv;
}

void print_profiles(const std::vector<Section>& profiles, bool names_only, const ToolContext& context) {
  const auto now = std::chrono::system_clock::now();
  if (!names_only && context.output == OutputFormat::table) {
    Table table({"NAME", "KIND", "REGION", "FILES", "EXPIRES"});
    for (const Section& profile : profiles) {
      const ProfileRow row = row_of(profile, now);
      table.add_row({std::string(row.name), std::string(row.kind), std::string(region_cell(row)),
                     std::string(files_label(row)), expiration_cell(row)});
    }
    table.print(std::cout, context.output, context.stdout_colour);
    return;
  }
  if (!names_only && context.output == OutputFormat::json) {
    print_json_rows(profiles, now);
    return;
  }
  ChunkedOutput output;
  std::string& out = output.buffer();
  for (const Section& profile : profiles) {
    if (names_only) {
      out.append(profile.name).append("\n");
    } else {
      const ProfileRow row = row_of(profile, now);
      out.append(row.name).append("\t").append(row.kind).append("\t").append(region_cell(row));
      out.append("\t").append(files_label(row)).append("\t").append(expiration_cell(row)).append("\n");
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
