#include "common/config_target.hpp"

#include <iostream>

namespace awsprof::tool {

SectionFlags::SectionFlags(Tool& tool) {
  tool.app()
      .add_option("--sso-session", sso_session_,
                  "Work on the [sso-session NAME] section instead of a profile")
      ->type_name("NAME");
  tool.app()
      .add_option("--services", services_, "Work on the [services NAME] section instead of a profile")
      ->type_name("NAME");
}

std::string SectionFlags::check(const Tool& tool) const {
  if (sso_session_ && services_) return "--sso-session and --services cannot be combined";
  if ((sso_session_ || services_) && tool.context().profile.explicit_on_command_line())
    return std::string(sso_session_ ? "--sso-session" : "--services") + " and --profile cannot be combined";
  if (sso_session_ && sso_session_->empty()) return "--sso-session needs a name";
  if (services_ && services_->empty()) return "--services needs a name";
  return "";
}

std::optional<EditTarget> SectionFlags::target() const {
  if (sso_session_) return EditTarget{EditTarget::Kind::sso_session, *sso_session_};
  if (services_) return EditTarget{EditTarget::Kind::services, *services_};
  return std::nullopt;
}

int usage_error(const Tool& tool, std::string_view message) {
  int code = tool.fail(message);
  std::cerr << "Run '" << tool.display_name() << " --help' for usage.\n";
  return code;
}

}  // namespace awsprof::tool
