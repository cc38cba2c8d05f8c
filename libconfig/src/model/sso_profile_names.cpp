#include "awsprof/model/sso_profile_names.hpp"

#include <algorithm>
#include <array>

#include "awsprof/model/profile_model.hpp"  // is_portable_name_char
#include "text_util.hpp"

namespace awsprof {
namespace {

constexpr std::string_view kFields[] = {"account_name", "account_id", "role_name",
                                        "session",      "region",     "short_region"};
constexpr std::string_view kFilters[] = {"lower", "upper", "capitalize", "title", "dash-spaces", "dash-runs"};

constexpr ProfileNamePreset kPresets[] = {
    {"awsprof", "{account_name}.{role_name}", "ACCOUNT.ROLE (the default)"},
    {"granted", "{account_name|dash-spaces}/{role_name}",
     "granted's default: ACCOUNT/ROLE, spaces in the account name as '-'"},
    {"aws-sso-util", "{account_name|dash-runs}.{role_name}",
     "aws-sso-util's default (one region): ACCOUNT.ROLE with safe account names"},
    {"aws-sso-cli", "{account_id}:{role_name}", "aws-sso-cli's default: ACCOUNTID:ROLE"},
    {"aws-cli", "{role_name}-{account_id}", "what `aws configure sso` proposes: ROLE-ACCOUNTID"},
};

template <std::size_t N>
bool one_of(std::string_view word, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

std::string join_words(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view word : words) out += (out.empty() ? "" : ", ") + std::string(word);
  return out;
}

bool is_ascii_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_ascii_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_ascii_letter(char c) {
  return is_ascii_upper(c) || is_ascii_lower(c);
}
char to_upper(char c) {
  return is_ascii_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

// Python's str.isspace() on ASCII, and the brackets, as aws-sso-util's r"[\s\[\]]+" matches them.
bool is_space_or_bracket(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f') || c == '[' || c == ']';
}

std::string apply_filter(std::string_view filter, std::string value) {
  if (filter == "lower") return detail::ascii_lowercase(value);
  if (filter == "upper") {
    std::transform(value.begin(), value.end(), value.begin(), to_upper);
    return value;
  }
  if (filter == "capitalize") {
    value = detail::ascii_lowercase(value);
    if (!value.empty()) value[0] = to_upper(value[0]);
    return value;
  }
  if (filter == "title") {
    // A letter after a letter is lowered, any other letter raised ("o'neil-2nd" -> "O'Neil-2Nd").
    bool after_letter = false;
    for (char& c : value) {
      const bool letter = is_ascii_letter(c);
      if (letter) c = after_letter ? detail::ascii_lower(c) : to_upper(c);
      after_letter = letter;
    }
    return value;
  }
  if (filter == "dash-spaces") {
    std::replace(value.begin(), value.end(), ' ', '-');
    return value;
  }
  // dash-runs
  std::string out;
  for (std::size_t i = 0; i < value.size();) {
    if (!is_space_or_bracket(value[i])) {
      out += value[i++];
      continue;
    }
    while (i < value.size() && is_space_or_bracket(value[i])) ++i;
    out += '-';
  }
  const std::size_t first = out.find_first_not_of('-');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of('-') - first + 1);
}

}  // namespace

Result<ProfileNameTemplate> ProfileNameTemplate::parse(std::string_view text) {
  using R = Result<ProfileNameTemplate>;
  auto fail = [&](std::size_t at, const std::string& why) {
    return R::error("the name template '" + std::string(text) + "', column " + std::to_string(at + 1) + ": " +
                    why);
  };
  ProfileNameTemplate parsed;
  parsed.text_ = std::string(text);
  bool has_field = false;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '}') return fail(i, "'}' without a '{' before it");
    if (text[i] != '{') {
      std::size_t end = i;
      while (end < text.size() && text[end] != '{' && text[end] != '}') {
        if (!is_portable_name_char(text[end]))
          return fail(end,
                      "'" + std::string(1, text[end]) +
                          "' cannot be part of a profile name (use letters, digits and - _ / . % @ : +)");
        ++end;
      }
      parsed.parts_.push_back({false, std::string(text.substr(i, end - i)), {}});
      i = end;
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) return fail(i, "'{' is not closed");
    std::vector<std::string_view> words = detail::split(text.substr(i + 1, close - i - 1), '|');
    Part field{true, std::string(detail::trim_blanks(words[0])), {}};
    if (!one_of(field.text, kFields))
      return fail(i + 1, "unknown field '" + field.text + "' (fields: " + join_words(kFields) + ")");
    for (std::size_t w = 1; w < words.size(); ++w) {
      std::string filter(detail::trim_blanks(words[w]));
      if (!one_of(filter, kFilters))
        return fail(i + 1, "unknown filter '" + filter + "' (filters: " + join_words(kFilters) + ")");
      field.filters.push_back(std::move(filter));
    }
    parsed.parts_.push_back(std::move(field));
    has_field = true;
    i = close + 1;
  }
  if (!has_field) return fail(0, "it has no field, so every profile would get the same name");
  return parsed;
}

std::string ProfileNameTemplate::render(const ProfileNameFields& fields) const {
  std::string name;
  for (const Part& part : parts_) {
    if (!part.is_field) {
      name += part.text;
      continue;
    }
    std::string value = part.text == "account_name" ? fields.account_name
                        : part.text == "account_id" ? fields.account_id
                        : part.text == "role_name"  ? fields.role_name
                        : part.text == "session"    ? fields.session
                        : part.text == "region"     ? fields.region
                                                    : short_region(fields.region);
    // An account without a name (or with one made only of characters a name cannot hold) is
    // called by its id, as aws-sso-util does.
    if (part.text == "account_name" && sanitize_profile_name_part(value).empty()) value = fields.account_id;
    for (const std::string& filter : part.filters) value = apply_filter(filter, std::move(value));
    name += sanitize_profile_name_part(value);
  }
  return name;
}

std::span<const ProfileNamePreset> profile_name_presets() {
  return kPresets;
}

const ProfileNamePreset* find_profile_name_preset(std::string_view name) {
  for (const ProfileNamePreset& preset : kPresets)
    if (preset.name == name) return &preset;
  return nullptr;
}

std::string sanitize_profile_name_part(std::string_view value) {
  std::string out;
  bool pending_dash = false;
  for (char c : value) {
    if (!is_portable_name_char(c)) {
      pending_dash = !out.empty();
      continue;
    }
    if (pending_dash && out.back() != '-' && c != '-') out += '-';
    pending_dash = false;
    out += c;
  }
  return out;
}

std::string short_region(std::string_view region) {
  std::vector<std::string_view> parts = detail::split(region, '-');
  if (parts.size() < 3) return std::string(region);
  const std::string_view direction = parts[parts.size() - 2];
  const std::string_view number = parts.back();
  std::string area;
  for (std::size_t i = 0; i + 2 < parts.size(); ++i) area += (i == 0 ? "" : "-") + std::string(parts[i]);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kDirections{{
      {"north", "no"},
      {"northeast", "ne"},
      {"east", "ea"},
      {"southeast", "se"},
      {"south", "so"},
      {"southwest", "sw"},
      {"west", "we"},
      {"northwest", "nw"},
      {"central", "ce"},
  }};
  std::string out = area == "us-gov" ? "gov" : area;
  auto found =
      std::find_if(kDirections.begin(), kDirections.end(), [&](auto& d) { return d.first == direction; });
  out += found != kDirections.end() ? found->second : direction;
  out += number;
  return out;
}

}  // namespace awsprof
