// The section flags of get, set and unset: --sso-session NAME and --services NAME, which point a
// command at an [sso-session NAME] or [services NAME] section instead of a profile.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "awsprof/edit/config_edit.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// Adds --sso-session and --services to a tool. Construct before Tool::parse(); it must outlive it.
class SectionFlags {
 public:
  explicit SectionFlags(Tool& tool);
  SectionFlags(const SectionFlags&) = delete;
  SectionFlags& operator=(const SectionFlags&) = delete;

  /// After parsing: the usage problem with the flags (both given, or either with an explicit
  /// --profile), or "" when they are fine.
  std::string check(const Tool& tool) const;
  /// The [sso-session NAME] or [services NAME] target, or nullopt for a profile.
  std::optional<EditTarget> target() const;

 private:
  std::optional<std::string> sso_session_;
  std::optional<std::string> services_;
};

/// Prints "awsprof CMD: error: MESSAGE" and the --help hint, as a flag error does; returns 2.
int usage_error(const Tool& tool, std::string_view message);

}  // namespace awsprof::tool
