// Python's shlex.split(text) (POSIX mode, no comments), which the AWS CLI applies to section
// names such as `profile "my name"`. Internal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awsprof::detail {

/// The words, or nullopt where Python raises ValueError ("No closing quotation",
/// "No escaped character").
std::optional<std::vector<std::string>> shlex_split(std::string_view text);

/// The second word when `text` splits into exactly two words, as build_profile_map requires of
/// "profile NAME"; nullopt otherwise (including when shlex.split would raise).
std::optional<std::string> shlex_second_of_two(std::string_view text);

}  // namespace awsprof::detail
