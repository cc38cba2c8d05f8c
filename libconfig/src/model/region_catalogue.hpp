// The AWS partitions and their regions, from the endpoint data of the botocore the library was
// built with (Debian python3-botocore's partitions.json, compiled in by libconfig/CMakeLists.txt).
// Internal: validate reports validate.unknown-region from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace awsprof::detail {

/// What the endpoint data says about a region name.
struct RegionLookup {
  bool known = false;                    ///< A region of some partition.
  std::string pattern_partition;         ///< When not known: the partition whose regionRegex matches, or "".
  std::vector<std::string> suggestions;  ///< When not known: the nearest known regions (at most 3).
};

/// Looks `name` up among every partition's regions.
RegionLookup look_up_region(std::string_view name);

/// Where the data came from, for messages: "botocore 1.29.27".
std::string_view region_data_source();

}  // namespace awsprof::detail
