// The names `awsprof sso populate` gives the profiles it generates: a template over the account and
// role ("{account_name}.{role_name}"), filters that change case or spaces, presets that reproduce
// the default names of other tools, and the sanitising that makes every name one the AWS CLI and
// the SDKs read back.
//
// Template syntax: literal text and {FIELD} or {FIELD|FILTER|...}.
//   Fields:  account_name (the account id when the portal gives no name), account_id, role_name,
//            session (the sso-session name), region (the profile's region, "" without one),
//            short_region (aws-sso-util's five-letter form: us-east-1 -> usea1).
//   Filters: lower, upper, capitalize, title (as Python's str methods, on ASCII letters),
//            dash-spaces (each space becomes '-', as granted does to account names),
//            dash-runs (each run of blanks, '[' and ']' becomes '-', then '-' is trimmed from both
//            ends: aws-sso-util's "safe account names").
// Literal text may only hold characters a portable profile name may (is_portable_profile_name).
// After its filters, every field's value is sanitised (sanitize_profile_name_part), so any account
// or role name gives a name both the AWS CLI and the SDKs read back.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/result.hpp"

namespace awsprof {

/// What a name is made of, for one account and role.
struct ProfileNameFields {
  std::string account_name;
  std::string account_id;
  std::string role_name;
  std::string session;
  std::string region;
};

class ProfileNameTemplate {
 public:
  /// Parses a template; the error says what is wrong and at which column (1-based).
  static Result<ProfileNameTemplate> parse(std::string_view text);

  /// The name for these fields: each field filtered, then sanitised; the literal text as written.
  /// May be empty (a template of fields that are all empty), which no profile may be called.
  std::string render(const ProfileNameFields& fields) const;

  const std::string& text() const { return text_; }

 private:
  struct Part {
    bool is_field = false;
    std::string text;                  ///< the literal, or the field's name
    std::vector<std::string> filters;  ///< for a field
  };
  std::string text_;
  std::vector<Part> parts_;
};

/// A named template reproducing another tool's default names.
struct ProfileNamePreset {
  std::string_view name;
  std::string_view template_text;
  std::string_view description;
};

/// Every preset; the first is awsprof's default.
std::span<const ProfileNamePreset> profile_name_presets();
/// The preset of this name, or nullptr.
const ProfileNamePreset* find_profile_name_preset(std::string_view name);

/// Makes a field's value safe in a profile name: each run of characters outside the portable set
/// becomes one '-' (none where a '-' is already beside it), and such runs at either end are dropped
/// ("Acme (Prod)" -> "Acme-Prod", "Acme-(Prod)" -> "Acme-Prod").
std::string sanitize_profile_name_part(std::string_view value);

/// aws-sso-util's short region: area + two letters of the direction + number ("eu-central-1" ->
/// "euce1", "us-gov-west-1" -> "govwe1"); the region itself when it has another shape.
std::string short_region(std::string_view region);

}  // namespace awsprof
