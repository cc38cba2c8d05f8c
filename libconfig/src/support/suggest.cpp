#include "awsprof/support/suggest.hpp"

#include <algorithm>
#include <vector>

namespace awsprof {

std::size_t edit_distance(std::string_view a, std::string_view b, bool transpositions) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::vector<std::string> nearest_names(std::string_view typed, std::span<const std::string> known,
                                       std::size_t most) {
  if (typed.empty()) return {};
  const std::size_t limit = std::clamp<std::size_t>(typed.size() / 3, 1, 3);
  std::vector<std::pair<std::size_t, std::string>> close;
  for (const std::string& name : known) {
    const std::size_t distance = edit_distance(typed, name);
    if (distance > 0 && distance <= limit) close.emplace_back(distance, name);
  }
  std::stable_sort(close.begin(), close.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (std::size_t i = 0; i < close.size() && i < most; ++i) names.push_back(std::move(close[i].second));
  return names;
}

}  // namespace awsprof
