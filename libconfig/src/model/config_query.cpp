// A transcription of the AWS CLI v2's `configure get` (awscli/customizations/configure/get.py).
#include "awsprof/model/config_query.hpp"

#include <vector>

#include "text_util.hpp"

namespace awsprof {
namespace {

using Outcome = ConfigGetResult::Outcome;

// The CLI checks `parts[0] in PREDEFINED_SECTION_NAMES`, where that constant is the string
// 'plugins' rather than a tuple, so any substring of "plugins" matches. Kept for fidelity.
bool is_predefined_section(std::string_view name) {
  return std::string_view("plugins").find(name) != std::string_view::npos;
}

// The model holds keys as the dialect names them, lowercase in both. The AWS CLI looks the name up
// as typed (`aws configure get REGION` finds nothing); the SDKs look property names up ignoring case.
std::string key_to_find(std::string_view key, Dialect dialect) {
  return dialect == Dialect::sdk ? detail::ascii_lowercase(key) : std::string(key);
}

ConfigGetResult from_setting(const Setting* setting, std::string_view varname) {
  ConfigGetResult r;
  if (setting == nullptr) return r;
  r.source = setting->source;
  if (setting->sub_properties) {
    r.outcome = Outcome::not_a_value;
    r.message =
        "varname (" + std::string(varname) + ") must reference a value, not a section or sub-section.";
    return r;
  }
  r.outcome = Outcome::value;
  r.value = setting->value;
  return r;
}

ConfigGetResult from_sub(const Setting* setting, std::string_view sub_key, Dialect dialect) {
  ConfigGetResult r;
  if (setting == nullptr || !setting->sub_properties) return r;  // a string has no .get(): None
  const SubProperty* sub = nullptr;
  if (dialect == Dialect::sdk) {  // the sdk reader keeps a sub-property's case: compare ignoring it
    for (const SubProperty& candidate : *setting->sub_properties)
      if (detail::iequals(candidate.key, sub_key)) sub = &candidate;  // the last wins, as in find_sub
  } else {
    sub = setting->find_sub(sub_key);
  }
  if (sub != nullptr) {
    r.outcome = Outcome::value;
    r.value = sub->value;
    r.source = setting->source;
  }
  return r;
}

const Setting* find_in(const Section* section, std::string_view key, Dialect dialect) {
  return section == nullptr ? nullptr : section->find(key_to_find(key, dialect));
}

}  // namespace

ConfigGetResult configure_get(const ProfileModel& model, std::string_view varname,
                              const std::optional<std::string>& selected_profile) {
  if (varname.find('.') == std::string_view::npos) {
    const Section* profile = model.find_profile(selected_profile.value_or("default"));
    if (selected_profile && profile == nullptr) {
      ConfigGetResult r;
      r.outcome = Outcome::profile_not_found;
      r.message = "The config profile (" + *selected_profile + ") could not be found";
      return r;
    }
    return from_setting(find_in(profile, varname, model.dialect), varname);
  }

  std::vector<std::string_view> parts = detail::split(varname, '.');
  if (parts.size() == 2 && is_predefined_section(parts[0])) {
    for (const Section& other : model.other_sections) {
      // The CLI pops cli_legacy_plugin_path out of [plugins] while loading plugins at start-up,
      // so by the time `configure get` looks, [plugins] no longer has it.
      if (other.name == "plugins" && parts[1] == "cli_legacy_plugin_path") continue;
      if (other.name == parts[0])
        if (const Setting* s = find_in(&other, parts[1], model.dialect)) return from_setting(s, varname);
    }
    return from_setting(find_in(model.find_profile(parts[0]), parts[1], model.dialect), varname);
  }

  std::string profile_name;
  std::string_view config_name;
  std::vector<std::string_view> remaining;
  if (parts[0] == "profile") {
    if (parts.size() < 3) {
      ConfigGetResult r;
      r.outcome = Outcome::bad_name;
      r.message = "list index out of range";
      return r;
    }
    profile_name = parts[1];
    config_name = parts[2];
    remaining.assign(parts.begin() + 3, parts.end());
  } else if (parts[0] == "default" || model.find_profile(parts[0]) != nullptr) {
    profile_name = parts[0];
    config_name = parts[1];
    remaining.assign(parts.begin() + 2, parts.end());
  } else {
    profile_name = selected_profile.value_or("default");
    config_name = parts[0];
    remaining.assign(parts.begin() + 1, parts.end());
  }
  const Setting* setting = find_in(model.find_profile(profile_name), config_name, model.dialect);
  if (remaining.size() == 1) return from_sub(setting, remaining[0], model.dialect);
  return from_setting(setting, varname);
}

ConfigGetResult section_get(const Section* section, std::string_view section_kind, std::string_view name,
                            std::string_view varname, Dialect dialect) {
  if (section == nullptr) {
    ConfigGetResult r;
    r.outcome = Outcome::profile_not_found;
    r.message =
        "The " + std::string(section_kind) + " section (" + std::string(name) + ") could not be found";
    return r;
  }
  std::size_t dot = varname.find('.');
  if (dot == std::string_view::npos) return from_setting(find_in(section, varname, dialect), varname);
  return from_sub(find_in(section, varname.substr(0, dot), dialect), varname.substr(dot + 1), dialect);
}

}  // namespace awsprof
