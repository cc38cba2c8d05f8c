// The read-back check every edit of config_edit.hpp ends with, open to the tests. Internal.
#pragma once

#include <span>
#include <string>

#include "awsprof/edit/config_edit.hpp"

namespace awsprof::detail {

/// What differs between the dialect's readings of `before` and `after`, outside the `touched`
/// sections: "" when every other section reads exactly as before (same settings, none gone,
/// none new) and the files are still readable if they were; else the first difference, as the
/// edits' refusal shows it ("the profile 'b' would read differently").
std::string read_back_difference(const ConfigFiles& before, const ConfigFiles& after, Dialect dialect,
                                 std::span<const EditTarget> touched);

}  // namespace awsprof::detail
