// Edit distance, and the "did you mean" suggestions it gives for unknown settings, profiles and
// options.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace awsprof {

/// How many single-character insertions, deletions and substitutions turn `a` into `b`. With
/// `transpositions` (the default), a swap of two adjacent characters counts as one edit too: the
/// optimal string alignment distance, so edit_distance("regoin", "region") is 1 (2 without).
std::size_t edit_distance(std::string_view a, std::string_view b, bool transpositions = true);

/// The names of `known` nearest to `typed`, nearest first, at most `most`: those other than
/// `typed` itself within one edit per three characters of it (at least 1, at most 3). For "did
/// you mean": edit distance "devlop" -> "develop" is 1.
std::vector<std::string> nearest_names(std::string_view typed, std::span<const std::string> known,
                                       std::size_t most = 3);

}  // namespace awsprof
