// The `cli` dialect: the files read exactly as the AWS CLI v2 reads them, that is as Python's
// configparser.RawConfigParser (strict, '=' and ':' delimiters, whole-line comments only) read
// them, then botocore's raw_config_parse, build_profile_map and Session.full_config.
#include <algorithm>
#include <deque>

#include "profile_model_common.hpp"
#include "shlex.hpp"
#include "text_util.hpp"
#include "unicode_text.hpp"

namespace awsprof::detail {
namespace {

constexpr std::string_view kDefaultSection = "DEFAULT";

struct RawOption {
  std::string_view key;  // lower-cased: a view into the document, or into RawFile::lowered_keys
  // The first line's value, then each continuation line (blank ones included): views into the
  // document, which outlives the reader, so a value costs no copy until it is joined, and a
  // one-line value allocates nothing.
  std::string_view first;
  std::vector<std::string_view> continuations;
  int line = 0;
};

struct RawSection {
  std::string_view name;
  int line = 0;
  std::vector<RawOption> options;
  RawOption* find(std::string_view key) {
    for (RawOption& o : options)
      if (o.key == key) return &o;
    return nullptr;
  }
};

struct RawFile {
  std::deque<std::string> lowered_keys;  // keys that had capitals; a deque keeps views stable
  std::vector<RawSection> sections;  // without DEFAULT
  RawSection defaults;
  bool fatal = false;
};

// configparser's _read loop, line by line, collecting every error instead of stopping.
RawFile read_configparser(const InputFile& file, Diagnostics& diagnostics) {
  RawFile raw;
  const Document& doc = *file.document;
  if (check_encoding(file, diagnostics, "the AWS CLI")) {
    raw.fatal = true;
    return raw;
  }
  std::unordered_map<std::string_view, std::size_t> section_index;  // views into the document
  RawSection* current = nullptr;
  RawOption* option = nullptr;
  std::size_t indent_level = 0;
  bool reported_missing_header = false;

  auto error = [&](int line, int column, const char* rule, std::string message) {
    diagnostics.push_back(make_diagnostic(file.path, line, column, Severity::error, rule, std::move(message)));
    raw.fatal = true;
  };

  for (std::size_t i = 0; i < doc.lines().size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    std::string_view text = doc.line_text(i);
    std::string_view value = python_strip(text);
    const bool is_comment = !value.empty() && (value.front() == '#' || value.front() == ';');
    if (value.empty() || is_comment) {
      // A blank line inside a value becomes an empty line of it; a comment line is skipped.
      // Neither ends the value.
      if (!is_comment && current != nullptr && option != nullptr) option->continuations.emplace_back();
      continue;
    }
    const std::size_t indent = python_indent(text);
    const int column = static_cast<int>(python_rstrip(text).size() - value.size()) + 1;
    if (current != nullptr && option != nullptr && indent > indent_level) {
      option->continuations.push_back(value);
      continue;
    }
    indent_level = indent;
    // A header is '[' + at least one character + the last ']' on the line.
    std::size_t close = value.rfind(']');
    if (value.front() == '[' && close != std::string_view::npos && close >= 2) {
      std::string_view name = value.substr(1, close - 1);
      option = nullptr;
      if (name == kDefaultSection) {
        current = &raw.defaults;
        if (raw.defaults.line == 0) raw.defaults.line = line_number;
        continue;
      }
      auto [it, inserted] = section_index.try_emplace(name, raw.sections.size());
      if (!inserted) {
        error(line_number, column, "parse.duplicate-section",
              "section [" + std::string(name) + "] is already defined on line " +
                  std::to_string(raw.sections[it->second].line) +
                  "; the AWS CLI refuses the whole file (DuplicateSectionError)");
        current = &raw.sections[it->second];
        continue;
      }
      raw.sections.push_back(RawSection{name, line_number, {}});
      current = &raw.sections.back();
      continue;
    }
    if (current == nullptr) {
      if (!reported_missing_header)
        error(line_number, column, "parse.missing-section-header",
              "text before the first [section] header; the AWS CLI refuses the whole file");
      reported_missing_header = true;
      continue;
    }
    std::size_t delimiter = find_delimiter(value);
    if (delimiter == std::string_view::npos) {
      error(line_number, column, "parse.missing-delimiter",
            "line is not a [section], a key = value, or a comment; the AWS CLI refuses the whole file");
      continue;
    }
    if (delimiter == 0) {
      error(line_number, column, "parse.empty-key", "a value with no key name; the AWS CLI refuses the whole file");
    }
    std::string_view written_key = python_rstrip(value.substr(0, delimiter));
    std::string_view key = written_key;
    const bool already_lower = std::none_of(written_key.begin(), written_key.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
    });
    if (!already_lower) key = raw.lowered_keys.emplace_back(python_lower(written_key));
    std::string_view optval = python_strip(value.substr(delimiter + 1));
    if (RawOption* existing = current->find(key)) {
      error(line_number, column, "parse.duplicate-key",
            "key '" + std::string(key) + "' is already set on line " + std::to_string(existing->line) + " of this section; " +
                "the AWS CLI refuses the whole file (DuplicateOptionError)");
      existing->first = optval;
      existing->continuations.clear();
      existing->line = line_number;
      option = existing;
      continue;
    }
    current->options.push_back(RawOption{key, optval, {}, line_number});
    option = &current->options.back();
  }
  return raw;
}

std::string join_value(const RawOption& option) {
  if (option.continuations.empty()) return std::string(option.first);  // already stripped
  std::string joined(option.first);
  for (std::string_view part : option.continuations) {
    joined += '\n';
    joined += part;
  }
  return std::string(python_rstrip(joined));
}

// raw_config_parse: each section's options, [DEFAULT]'s leaking in after its own, with nested
// blocks parsed the way botocore's _parse_nested does.
std::vector<Section> resolve_sections(const RawFile& raw, const InputFile& file, FileKind kind,
                                      Diagnostics& diagnostics, bool& fatal) {
  std::vector<Section> out;
  out.reserve(raw.sections.size());
  auto to_setting = [&](const RawOption& option) {
    Setting s;
    s.key = option.key;
    s.value = join_value(option);
    s.source = SourceRef{kind, option.line};
    if (s.value.starts_with('\n')) {
      std::vector<SubProperty> subs;
      std::size_t bad = 0;
      if (parse_sub_properties(s.value, subs, bad)) {
        s.sub_properties = std::move(subs);
      } else {
        diagnostics.push_back(make_diagnostic(
            file.path, option.line, 1, Severity::error, "parse.bad-sub-property",
            "the block under '" + std::string(option.key) + "' has a line without '='; the AWS CLI refuses the whole file"));
        fatal = true;
      }
    }
    return s;
  };
  for (const RawSection& raw_section : raw.sections) {
    Section section;
    section.name = raw_section.name;
    for (const RawOption& option : raw_section.options) section.settings.push_back(to_setting(option));
    for (const RawOption& option : raw.defaults.options)
      if (section.find(option.key) == nullptr) section.settings.push_back(to_setting(option));
    (kind == FileKind::config ? section.config_line : section.credentials_line) = raw_section.line;
    (kind == FileKind::config ? section.in_config : section.in_credentials) = true;
    out.push_back(std::move(section));
  }
  return out;
}

}  // namespace

ProfileModel build_cli_model(const InputFile& config, const InputFile& credentials) {
  ProfileModel model;
  model.dialect = Dialect::cli;
  SectionList profiles, sso_sessions, services, others;

  if (config.document != nullptr) {
    RawFile raw = read_configparser(config, model.diagnostics);
    bool fatal = raw.fatal;
    for (Section& section : resolve_sections(raw, config, FileKind::config, model.diagnostics, fatal)) {
      const std::string raw_name = section.name;
      const int line = section.config_line;
      SectionList* target = nullptr;
      std::string name;
      for (auto [prefix, list] : {std::pair{std::string_view("profile"), &profiles},
                                  std::pair{std::string_view("sso-session"), &sso_sessions},
                                  std::pair{std::string_view("services"), &services}}) {
        if (!raw_name.starts_with(prefix)) continue;
        if (auto second = shlex_second_of_two(raw_name)) {
          target = list;
          name = std::move(*second);
        } else {
          model.diagnostics.push_back(make_diagnostic(
              config.path, line, 1, Severity::warning, "parse.ignored-section",
              "the AWS CLI ignores [" + raw_name + "]: after '" + std::string(prefix) +
                  "' it needs exactly one name (quote a name that contains spaces)"));
        }
        break;
      }
      if (target == nullptr && raw_name == "default") {
        target = &profiles;
        name = "default";
      }
      if (target != nullptr) {
        target->assign(name, std::move(section));
      } else if (!raw_name.starts_with("profile") && !raw_name.starts_with("sso-session") &&
                 !raw_name.starts_with("services")) {
        others.assign(raw_name, std::move(section));
      }
    }
    model.config_unreadable = fatal;
  }

  if (credentials.document != nullptr) {
    RawFile raw = read_configparser(credentials, model.diagnostics);
    bool fatal = raw.fatal;
    for (Section& section : resolve_sections(raw, credentials, FileKind::credentials, model.diagnostics, fatal)) {
      Section* existing = profiles.find(section.name);
      if (existing == nullptr) {
        const std::string name = section.name;
        profiles.assign(name, std::move(section));
        continue;
      }
      existing->in_credentials = true;
      existing->credentials_line = section.credentials_line;
      for (Setting& setting : section.settings) put_setting(*existing, std::move(setting));
    }
    model.credentials_unreadable = fatal;
  }

  model.profiles = profiles.take();
  model.sso_sessions = sso_sessions.take();
  model.services = services.take();
  model.other_sections = others.take();
  return model;
}

}  // namespace awsprof::detail
