#include "region_catalogue.hpp"

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <regex>
#include <utility>

#include "awsprof/support/suggest.hpp"
#include "text_util.hpp"

namespace awsprof::detail {

extern const unsigned char kPartitionsJson[];
extern const std::size_t kPartitionsJsonSize;
extern const char kPartitionsSource[];

namespace {

struct Partition {
  std::string id;
  std::regex region_pattern;
  std::vector<std::string> regions;
};

// Parsed once, on first use. The data is the build's own: a parse failure is a build defect,
// which leaves the catalogue empty rather than throwing out of the library.
const std::vector<Partition>& partitions() {
  static const std::vector<Partition> parsed = [] {
    std::vector<Partition> result;
    const auto json = nlohmann::json::parse(kPartitionsJson, kPartitionsJson + kPartitionsJsonSize, nullptr,
                                            /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("partitions") || !json["partitions"].is_array()) return result;
    for (const auto& entry : json["partitions"]) {
      Partition partition;
      partition.id = entry.value("id", "");
      try {
        partition.region_pattern = std::regex(entry.value("regionRegex", "^$"), std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        partition.region_pattern = std::regex("^$");
      }
      if (entry.contains("regions") && entry["regions"].is_object())
        for (const auto& [name, details] : entry["regions"].items()) partition.regions.push_back(name);
      result.push_back(std::move(partition));
    }
    return result;
  }();
  return parsed;
}

}  // namespace

RegionLookup look_up_region(std::string_view name) {
  RegionLookup lookup;
  const std::string wanted(trim_blanks(name));
  const std::string lowered = ascii_lowercase(wanted);
  std::vector<std::pair<std::size_t, std::string>> close;
  for (const Partition& partition : partitions()) {
    for (const std::string& region : partition.regions) {
      if (region == wanted) {
        lookup.known = true;
        return lookup;
      }
      const std::size_t distance = edit_distance(lowered, region);
      if (distance <= 2) close.emplace_back(distance, region);
    }
    if (lookup.pattern_partition.empty() && std::regex_search(wanted, partition.region_pattern))
      lookup.pattern_partition = partition.id;
  }
  std::sort(close.begin(), close.end());
  for (const auto& [distance, region] : close) {
    if (distance > close.front().first || lookup.suggestions.size() == 3) break;
    lookup.suggestions.push_back(region);
  }
  return lookup;
}

std::string_view region_data_source() {
  return kPartitionsSource;
}

}  // namespace awsprof::detail
