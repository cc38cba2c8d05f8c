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
/// "profile NAME"; nullopt otherwise (including when shlex.split would raise). The word is a view
/// into `text`, or into `unquoted` when quotes or escapes had to be removed.
std::optional<std::string_view> shlex_second_of_two(std::string_view text, std::string& unquoted);

}  // namespace awsprof::detail
