// Edit distance, for the "did you mean" suggestions of unknown setting and command names.
#pragma once

#include <cstddef>
#include <string_view>

namespace awsprof {

/// How many single-character insertions, deletions and substitutions turn `a` into `b`. With
/// `transpositions` (the default), a swap of two adjacent characters counts as one edit too: the
/// optimal string alignment distance, so edit_distance("regoin", "region") is 1 (2 without).
std::size_t edit_distance(std::string_view a, std::string_view b, bool transpositions = true);

}  // namespace awsprof
