#include "awsprof/model/sso_markers.hpp"

#include <algorithm>

#include "shlex.hpp"
#include "text_util.hpp"

namespace awsprof {
namespace {

constexpr std::string_view kHex = "0123456789ABCDEF";

std::string percent_encode(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == '%') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

bool is_all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string value_of(const Section& section, std::string_view key) {
  const Setting* setting = section.find(key);
  return setting ? std::string(detail::trim_blanks(setting->value)) : std::string();
}

bool in_block(const std::vector<std::pair<int, int>>& blocks, int line) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [&](auto& b) { return line > b.first && line < b.second; });
}

// The role ARN after "--arn" in an aws-sso-cli credential_process.
std::optional<std::string> aws_sso_cli_arn(std::string_view command) {
  std::optional<std::vector<std::string>> words = detail::shlex_split(command);
  if (!words) return std::nullopt;
  for (std::size_t i = 0; i + 1 < words->size(); ++i) {
    if ((*words)[i] == "--arn") return (*words)[i + 1];
    if ((*words)[i].starts_with("--arn=")) return (*words)[i].substr(6);
  }
  return std::nullopt;
}

}  // namespace

std::string format_generated_marker(const GeneratedMarker& marker) {
  std::string out = "sso-session=" + percent_encode(marker.session) +
                    " start-url=" + percent_encode(marker.start_url) +
                    " account=" + percent_encode(marker.account_id) +
                    " role=" + percent_encode(marker.role_name) + " name=" + percent_encode(marker.name);
  if (marker.region) out += " region=" + percent_encode(*marker.region);
  if (marker.stale_since) out += " stale-since=" + percent_encode(*marker.stale_since);
  return out;
}

std::optional<GeneratedMarker> parse_generated_marker(std::string_view value) {
  GeneratedMarker marker;
  bool seen[5] = {};
  for (std::string_view word : detail::split(detail::trim_blanks(value), ' ')) {
    if (word.empty()) continue;
    const std::size_t equals = word.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    std::optional<std::string> decoded = percent_decode(word.substr(equals + 1));
    if (!decoded) return std::nullopt;
    const std::string_view field = word.substr(0, equals);
    if (field == "sso-session") {
      marker.session = std::move(*decoded), seen[0] = true;
    } else if (field == "start-url") {
      marker.start_url = std::move(*decoded), seen[1] = true;
    } else if (field == "account") {
      marker.account_id = std::move(*decoded), seen[2] = true;
    } else if (field == "role") {
      marker.role_name = std::move(*decoded), seen[3] = true;
    } else if (field == "name") {
      marker.name = std::move(*decoded), seen[4] = true;
    } else if (field == "region") {
      marker.region = std::move(*decoded);
    } else if (field == "stale-since") {
      marker.stale_since = std::move(*decoded);
    }
  }
  if (!std::all_of(std::begin(seen), std::end(seen), [](bool b) { return b; })) return std::nullopt;
  if (marker.session.empty() || marker.account_id.empty() || marker.role_name.empty() || marker.name.empty())
    return std::nullopt;
  return marker;
}

const char* to_string(ProfileOrigin origin) {
  switch (origin) {
    case ProfileOrigin::awsprof:
      return "awsprof";
    case ProfileOrigin::granted:
      return "granted";
    case ProfileOrigin::aws_sso_util:
      return "aws-sso-util";
    case ProfileOrigin::aws_sso_cli:
      return "aws-sso-cli";
    case ProfileOrigin::hand_written:
      break;
  }
  return "hand-written";
}

std::vector<std::pair<int, int>> aws_sso_cli_blocks(const Document& config) {
  std::vector<std::pair<int, int>> blocks;
  std::optional<std::pair<int, std::string>> open;  // line, the marker's suffix ("" or "_NAME")
  for (std::size_t i = 0; i < config.lines().size(); ++i) {
    if (config.lines()[i].kind != LineKind::comment) continue;
    std::string_view text = detail::trim_blanks(config.line_text(i));
    const int line = static_cast<int>(i) + 1;
    if (text.starts_with("# BEGIN_AWS_SSO_CLI")) {
      open = std::pair{line, std::string(text.substr(19))};
    } else if (open && text.starts_with("# END_AWS_SSO_CLI") && text.substr(17) == open->second) {
      blocks.emplace_back(open->first, line);
      open.reset();
    }
  }
  return blocks;
}

std::optional<std::pair<std::string, std::string>> role_arn_parts(std::string_view arn) {
  std::vector<std::string_view> parts = detail::split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "iam" || !is_all_digits(parts[4]))
    return std::nullopt;
  std::string_view resource = parts[5];
  if (!resource.starts_with("role/")) return std::nullopt;
  std::string_view name = resource.substr(resource.rfind('/') + 1);
  if (name.empty()) return std::nullopt;
  return std::pair{std::string(parts[4]), std::string(name)};
}

std::string normalize_start_url(std::string_view url) {
  std::string_view out = detail::trim_blanks(url);
  for (bool changed = true; changed;) {
    changed = false;
    for (std::string_view tail : {"#/", "#", "/"}) {
      if (out.size() > tail.size() && out.ends_with(tail)) {
        out.remove_suffix(tail.size());
        changed = true;
      }
    }
  }
  return std::string(out);
}

std::optional<SsoProfileIdentity> sso_profile_identity(const ProfileModel& model, const Section& profile,
                                                       const std::vector<std::pair<int, int>>& blocks) {
  SsoProfileIdentity identity;
  identity.sso_session = value_of(profile, "sso_session");
  auto session_start_url = [&]() -> std::string {
    if (identity.sso_session.empty()) return "";
    const Section* session = model.find_sso_session(identity.sso_session);
    return session ? value_of(*session, "sso_start_url") : std::string();
  };

  if (const Setting* marker_setting = profile.find(kGeneratedMarkerKey)) {
    if (std::optional<GeneratedMarker> marker = parse_generated_marker(marker_setting->value)) {
      identity.origin = ProfileOrigin::awsprof;
      identity.start_url = marker->start_url;
      identity.account_id = marker->account_id;
      identity.role_name = marker->role_name;
      identity.marker = std::move(marker);
      return identity;
    }
  }

  const bool granted = profile.find("common_fate_generated_from") != nullptr;
  const bool aws_sso_util =
      profile.find("sso_auto_populated") != nullptr || profile.find("sso_util_populate");
  std::string start_url = value_of(profile, "sso_start_url");
  std::string account_id = value_of(profile, "sso_account_id");
  std::string role_name = value_of(profile, "sso_role_name");
  if (granted) {
    identity.origin = ProfileOrigin::granted;
    if (start_url.empty()) start_url = value_of(profile, "granted_sso_start_url");
    if (account_id.empty()) account_id = value_of(profile, "granted_sso_account_id");
    if (role_name.empty()) role_name = value_of(profile, "granted_sso_role_name");
  } else if (aws_sso_util) {
    identity.origin = ProfileOrigin::aws_sso_util;
  } else if (profile.in_config && in_block(blocks, profile.config_line)) {
    std::optional<std::string> arn = aws_sso_cli_arn(value_of(profile, "credential_process"));
    std::optional<std::pair<std::string, std::string>> parts = arn ? role_arn_parts(*arn) : std::nullopt;
    if (parts) {
      identity.origin = ProfileOrigin::aws_sso_cli;
      identity.account_id = std::move(parts->first);
      identity.role_name = std::move(parts->second);
      return identity;
    }
  }
  if (start_url.empty()) start_url = session_start_url();
  if (account_id.empty() || role_name.empty()) return std::nullopt;
  identity.start_url = std::move(start_url);
  identity.account_id = std::move(account_id);
  identity.role_name = std::move(role_name);
  return identity;
}

}  // namespace awsprof
