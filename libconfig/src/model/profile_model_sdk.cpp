// The `sdk` dialect: the cross-SDK profile-file specification, as profile-parser-tests.json
// (the shared test suite of the AWS SDKs) defines it.
#include <algorithm>

#include "profile_model_common.hpp"
#include "text_util.hpp"
#include "unicode_text.hpp"

namespace awsprof::detail {
namespace {

// Trims, then cuts a comment: at any '#' or ';' for headers, and only after whitespace for
// property lines, where "value#x" keeps its '#'.
std::string_view strip_comment(std::string_view line, bool comment_needs_whitespace) {
  line = trim_sdk_spaces(line);
  bool previous_was_space = false;
  std::size_t pos = 0;
  while (pos < line.size()) {
    char c = line[pos];
    if ((c == '#' || c == ';') && (previous_was_space || !comment_needs_whitespace)) {
      line = line.substr(0, pos);
      break;
    }
    std::size_t len = 1;
    previous_was_space = is_unicode_white_space(decode_utf8(line, pos, len));
    pos += len;
  }
  return trim_sdk_spaces(line);
}

bool is_identifier(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '/' || c == '.' || c == '%' || c == '@' || c == ':' || c == '+';
  });
}

struct RawSection {
  std::string_view name;  // text between the brackets, comment removed
  int line = 0;
  Section section;
};

struct ParsedFile {
  std::vector<RawSection> sections;  // duplicates merged, in first-seen order
  bool fatal = false;
};

// The spec's line grammar. Lines split on '\n' with a trailing '\r' removed; a lone '\r' is
// not a line break here (unlike in the AWS CLI).
ParsedFile parse_spec_file(const InputFile& file, FileKind kind, ModelText& model_text, Diagnostics& diagnostics) {
  ParsedFile parsed;
  model_text.retain(file.text);
  if (check_encoding(file, diagnostics, "the AWS SDKs")) {
    parsed.fatal = true;
    return parsed;
  }
  NameIndex index;  // sections by name; a repeated header continues the first
  RawSection* current = nullptr;
  Setting* property = nullptr;
  bool property_is_block = false;
  // The value of `property` once a continuation line has extended it; stored when it is complete.
  std::optional<std::string> extended_value;
  auto end_property = [&] {
    if (extended_value) property->value = model_text.keep(std::move(*extended_value));
    extended_value.reset();
    property = nullptr;
  };
  auto error = [&](int line, const char* rule, std::string message) {
    diagnostics.push_back(make_diagnostic(file.path, line, 1, Severity::error, rule, std::move(message)));
    parsed.fatal = true;
  };

  std::string_view text = *file.text;
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (trim_sdk_spaces(line).empty() || line.starts_with('#') || line.starts_with(';')) continue;

    if (line.starts_with('[')) {
      end_property();
      std::string_view header = strip_comment(line, false);
      if (!header.ends_with(']')) {
        error(line_number, "parse.unterminated-header", "Profile definition must end with ']'");
        current = nullptr;
        continue;
      }
      std::string_view name = header.substr(1, header.size() - 2);
      std::size_t at = index.find(name, [&parsed](std::size_t i) { return parsed.sections[i].name; });
      if (at == NameIndex::npos) {
        at = parsed.sections.size();
        index.insert(name, at);
        parsed.sections.push_back(RawSection{name, line_number, {}});
      }
      current = &parsed.sections[at];
      continue;
    }
    if (is_sdk_space(line.front())) {
      if (current == nullptr) {
        error(line_number, "parse.missing-section-header", "Expected a profile definition");
        continue;
      }
      if (property == nullptr) {
        error(line_number, "parse.orphan-continuation", "Expected a property definition, found continuation");
        continue;
      }
      if (property_is_block) {
        std::string_view sub = strip_comment(line, true);
        std::size_t eq = sub.find('=');
        if (eq == std::string_view::npos) {
          error(line_number, "parse.bad-sub-property", "Expected an '=' sign defining a sub-property");
          continue;
        }
        if (trim_sdk_spaces(sub.substr(0, eq)).empty()) {
          error(line_number, "parse.empty-key", "Sub-property did not have a name");
          continue;
        }
      }
      if (!extended_value) extended_value.emplace(property->value);
      *extended_value += '\n';
      *extended_value += trim_sdk_spaces(line);
      continue;
    }
    end_property();
    if (current == nullptr) {
      error(line_number, "parse.missing-section-header", "Expected a profile definition");
      continue;
    }
    std::string_view content = strip_comment(line, true);
    std::size_t eq = content.find('=');
    if (eq == std::string_view::npos) {
      error(line_number, "parse.missing-delimiter", "Expected an '=' sign defining a property");
      continue;
    }
    std::string_view key = trim_sdk_spaces(content.substr(0, eq));
    if (key.empty()) {
      error(line_number, "parse.empty-key", "Property did not have a name");
      continue;
    }
    Setting setting;
    setting.key = std::any_of(key.begin(), key.end(), [](char c) { return c >= 'A' && c <= 'Z'; })
                      ? model_text.keep(ascii_lowercase(key))
                      : key;
    setting.value = trim_sdk_spaces(content.substr(eq + 1));
    setting.source = SourceRef{kind, line_number};
    property_is_block = setting.value.empty();
    put_setting(current->section, setting);
    property = current->section.find(setting.key);
  }
  end_property();
  return parsed;
}

void finish_blocks(Section& section, ModelText& text) {
  for (Setting& setting : section.settings) {
    if (!setting.value.starts_with('\n')) continue;
    std::vector<SubProperty> subs;
    std::size_t bad = 0;
    if (parse_sub_properties(setting.value, subs, bad)) setting.sub_properties = text.keep(std::move(subs));
  }
}

// Copies the settings whose names are identifiers; the spec ignores the others.
void merge_settings(Section& into, const Section& from, const InputFile& file, Diagnostics& diagnostics) {
  for (const Setting& setting : from.settings) {
    if (!is_identifier(setting.key)) {
      diagnostics.push_back(make_diagnostic(file.path, setting.source.line, 1, Severity::warning,
                                            "parse.invalid-key-name",
                                            "the AWS SDKs ignore the key '" + std::string(setting.key) +
                                                "': names may hold only letters, digits and - _ / . % @ : +"));
      continue;
    }
    put_setting(into, setting);
  }
}

}  // namespace

ProfileModel build_sdk_model(const InputFile& config, const InputFile& credentials) {
  ProfileModel model;
  model.dialect = Dialect::sdk;
  ModelText& text = *model.text;
  SectionList profiles, sso_sessions, services;
  auto ignored = [&](const InputFile& file, int line, std::string why) {
    model.diagnostics.push_back(
        make_diagnostic(file.path, line, 1, Severity::warning, "parse.ignored-section", std::move(why)));
  };

  if (config.exists()) {
    ParsedFile parsed = parse_spec_file(config, FileKind::config, text, model.diagnostics);
    model.config_unreadable = parsed.fatal;
    auto profile_name_of = [](std::string_view header) -> std::optional<std::string_view> {
      header = trim_sdk_spaces(header);
      constexpr std::string_view kPrefix = "profile";
      if (header.size() > kPrefix.size() && header.starts_with(kPrefix) && is_sdk_space(header[kPrefix.size()]))
        return trim_sdk_spaces(header.substr(kPrefix.size()));
      return std::nullopt;
    };
    const bool has_prefixed_default =
        std::any_of(parsed.sections.begin(), parsed.sections.end(),
                    [&](const RawSection& s) { return profile_name_of(s.name) == std::string_view("default"); });
    for (RawSection& raw : parsed.sections) {
      std::string_view header = trim_sdk_spaces(raw.name);
      SectionList* target = nullptr;
      std::string_view name;
      for (auto [prefix, list] : {std::pair{std::string_view("profile"), &profiles},
                                  std::pair{std::string_view("sso-session"), &sso_sessions},
                                  std::pair{std::string_view("services"), &services}}) {
        if (header.size() > prefix.size() && header.starts_with(prefix) && is_sdk_space(header[prefix.size()])) {
          target = list;
          name = trim_sdk_spaces(header.substr(prefix.size()));
          break;
        }
      }
      if (target == nullptr && header == "default") {
        if (has_prefixed_default) {
          ignored(config, raw.line, "the AWS SDKs ignore [default] because [profile default] exists");
          continue;
        }
        target = &profiles;
        name = "default";
      }
      if (target == nullptr) {
        ignored(config, raw.line, "the AWS SDKs ignore [" + std::string(header) +
                                      "]: config-file profiles need the 'profile ' prefix");
        continue;
      }
      if (!is_identifier(name)) {
        ignored(config, raw.line, "the AWS SDKs ignore [" + std::string(header) + "]: '" + std::string(name) +
                                      "' is not a valid name (letters, digits and - _ / . % @ : +)");
        continue;
      }
      Section& section = target->get_or_add(name);
      section.in_config = true;
      if (section.config_line == 0) section.config_line = raw.line;
      merge_settings(section, raw.section, config, model.diagnostics);
    }
  }

  if (credentials.exists()) {
    ParsedFile parsed = parse_spec_file(credentials, FileKind::credentials, text, model.diagnostics);
    model.credentials_unreadable = parsed.fatal;
    for (RawSection& raw : parsed.sections) {
      std::string_view name = trim_sdk_spaces(raw.name);
      if (!is_identifier(name)) {
        ignored(credentials, raw.line, "the AWS SDKs ignore [" + std::string(name) +
                                           "]: credentials-file sections are bare profile names");
        continue;
      }
      Section& section = profiles.get_or_add(name);
      section.in_credentials = true;
      if (section.credentials_line == 0) section.credentials_line = raw.line;
      merge_settings(section, raw.section, credentials, model.diagnostics);
    }
  }

  model.profiles = profiles.take();
  model.sso_sessions = sso_sessions.take();
  model.services = services.take();
  for (auto* list : {&model.profiles, &model.sso_sessions, &model.services})
    for (Section& section : *list) finish_blocks(section, text);
  return model;
}

}  // namespace awsprof::detail
