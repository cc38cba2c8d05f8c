// Reading one setting the way `aws configure get VARNAME` does, dotted forms included.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "awsprof/model/profile_model.hpp"

namespace awsprof {

struct ConfigGetResult {
  enum class Outcome {
    value,              ///< Found a value: the CLI prints it and exits 0.
    not_set,            ///< Nothing there: the CLI prints nothing and exits 1.
    not_a_value,        ///< The name is a block or section: a message on stderr, exit 1.
    profile_not_found,  ///< The selected profile does not exist: a message on stderr, exit 255.
    bad_name,           ///< A dotted name the CLI cannot split (e.g. "profile.x"): exit 255.
  };
  Outcome outcome = Outcome::not_set;
  std::string value;    ///< For Outcome::value.
  std::string message;  ///< The CLI's own stderr text for the other outcomes, without newlines.
  std::optional<SourceRef> source;  ///< Where the value came from, when known.
};

/// What `aws configure get varname` finds in the model (environment variables play no part). Keys
/// are looked up as the model's dialect does: as typed in the cli dialect (the AWS CLI finds
/// nothing for REGION), ignoring ASCII case in the sdk dialect (as the SDKs do); profile names are
/// case-sensitive in both.
/// `selected_profile` is the profile named by --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE, or
/// nullopt when none was: then a missing [default] means "not set" rather than an error.
ConfigGetResult configure_get(const ProfileModel& model, std::string_view varname,
                              const std::optional<std::string>& selected_profile);

/// A key (or "parent.sub") of an [sso-session NAME] or [services NAME] section.
ConfigGetResult section_get(const Section* section, std::string_view section_kind, std::string_view name,
                            std::string_view varname, Dialect dialect = Dialect::cli);

}  // namespace awsprof
