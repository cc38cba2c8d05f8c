// The `cli` dialect: the files read exactly as the AWS CLI v2 reads them, that is as Python's
// configparser.RawConfigParser (strict, '=' and ':' delimiters, whole-line comments only) read
// them, then botocore's raw_config_parse, build_profile_map and Session.full_config.
#include <algorithm>

#include "name_index.hpp"
#include "profile_model_common.hpp"
#include "shlex.hpp"
#include "text_util.hpp"
#include "unicode_text.hpp"

namespace awsprof::detail {
namespace {

constexpr std::string_view kDefaultSection = "DEFAULT";
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::size_t kDefaults = kNone - 1;  // the [DEFAULT] section, kept apart

// A value that goes on over further lines. configparser joins the lines once the whole file has
// been read; so does this reader, so that one-line values (nearly all of them) cost no copy.
struct MultiLineValue {
  std::size_t section = kNone;  // index into ReadFile::sections, or kDefaults
  std::size_t setting = 0;
  std::vector<std::string_view> continuations;  // blank lines inside the value are empty parts
};

// The sections as configparser holds them while reading, named by the text between the
// brackets. Keys and one-line values are views into the file's bytes.
struct ReadFile {
  std::vector<Section> sections;  // without DEFAULT
  Section defaults;
  std::vector<MultiLineValue> multi_line;
  bool fatal = false;
  Section& at(std::size_t index) { return index == kDefaults ? defaults : sections[index]; }
};

// configparser's _read loop, line by line, collecting every error instead of stopping.
ReadFile read_configparser(const InputFile& file, FileKind kind, ModelText& text, Diagnostics& diagnostics) {
  ReadFile read;
  if (check_encoding(file, diagnostics, "the AWS CLI")) {
    read.fatal = true;
    return read;
  }
  const std::string_view bytes = *file.text;
  const LineSplitter lines(bytes);
  // At most one section per '[': room for them all, so nothing grows while reading, up to a
  // limit so that a file full of brackets cannot make it reserve gigabytes.
  constexpr std::size_t kMostReserved = 1 << 16;
  const std::size_t brackets = std::min(count_byte(bytes, '['), kMostReserved);
  NameIndex section_index(brackets);
  read.sections.reserve(brackets);
  auto name_at = [&read](std::size_t index) { return read.sections[index].name; };
  auto header_line = [kind](const Section& s) { return kind == FileKind::config ? s.config_line : s.credentials_line; };
  // The settings of the section being read collect in one reused vector and move into the
  // section at their exact size when it ends: no growing, and no room left unused.
  std::vector<Setting> open_settings;
  std::size_t open_section = kNone;  // the section open_settings belong to
  auto close_section = [&] {
    if (open_section == kNone) return;
    read.sections[open_section].settings.assign(open_settings.begin(), open_settings.end());
    open_settings.clear();
    open_section = kNone;
  };
  auto settings_of = [&](std::size_t index) -> std::vector<Setting>& {
    return index == open_section ? open_settings : read.at(index).settings;
  };

  std::size_t current = kNone;
  std::size_t option = kNone;  // index of the open option in the current section
  std::size_t open_value = kNone;  // its entry in read.multi_line, once it has a continuation
  std::size_t blanks_after_option = 0;  // blank lines seen before its first continuation
  std::size_t indent_level = 0;
  bool reported_missing_header = false;

  auto error = [&](int line, int column, const char* rule, std::string message) {
    diagnostics.push_back(make_diagnostic(file.path, line, column, Severity::error, rule, std::move(message)));
    read.fatal = true;
  };
  auto open_option = [&](std::size_t index) {
    option = index;
    open_value = kNone;
    blanks_after_option = 0;
  };

  int line_number = 0;
  for (std::size_t pos = 0; pos < bytes.size();) {
    const LineEnd line_end = lines.end_of_line_at(pos);
    const std::string_view line = bytes.substr(pos, line_end.end - pos);
    pos = line_end.end + line_end.eol_length;
    ++line_number;
    std::string_view value = python_strip(line);
    const bool is_comment = !value.empty() && (value.front() == '#' || value.front() == ';');
    if (value.empty() || is_comment) {
      // A blank line inside a value becomes an empty line of it; a comment line is skipped.
      // Neither ends the value.
      if (!is_comment && current != kNone && option != kNone) {
        if (open_value != kNone) {
          read.multi_line[open_value].continuations.emplace_back();
        } else {
          ++blanks_after_option;
        }
      }
      continue;
    }
    const std::size_t indent = python_indent(line);
    auto column = [&] { return static_cast<int>(python_rstrip(line).size() - value.size()) + 1; };
    if (current != kNone && option != kNone && indent > indent_level) {
      if (open_value == kNone) {
        open_value = read.multi_line.size();
        read.multi_line.push_back(MultiLineValue{current, option, std::vector<std::string_view>(blanks_after_option)});
      }
      read.multi_line[open_value].continuations.push_back(value);
      continue;
    }
    indent_level = indent;
    // A header is '[' + at least one character + the last ']' on the line.
    const std::size_t close = value.front() == '[' ? value.rfind(']') : std::string_view::npos;
    if (close != std::string_view::npos && close >= 2) {
      std::string_view name = value.substr(1, close - 1);
      open_option(kNone);
      close_section();
      if (name == kDefaultSection) {
        current = kDefaults;
        continue;
      }
      current = section_index.find(name, name_at);
      if (current != NameIndex::npos) {
        error(line_number, column(), "parse.duplicate-section",
              "section [" + std::string(name) + "] is already defined on line " +
                  std::to_string(header_line(read.sections[current])) +
                  "; the AWS CLI refuses the whole file (DuplicateSectionError)");
        continue;
      }
      current = read.sections.size();
      section_index.insert(name, current);
      Section& section = read.sections.emplace_back();
      section.name = name;
      (kind == FileKind::config ? section.config_line : section.credentials_line) = line_number;
      (kind == FileKind::config ? section.in_config : section.in_credentials) = true;
      open_section = current;
      continue;
    }
    if (current == kNone) {
      if (!reported_missing_header)
        error(line_number, column(), "parse.missing-section-header",
              "text before the first [section] header; the AWS CLI refuses the whole file");
      reported_missing_header = true;
      continue;
    }
    std::size_t delimiter = find_delimiter(value);
    if (delimiter == std::string_view::npos) {
      error(line_number, column(), "parse.missing-delimiter",
            "line is not a [section], a key = value, or a comment; the AWS CLI refuses the whole file");
      continue;
    }
    if (delimiter == 0) {
      error(line_number, column(), "parse.empty-key", "a value with no key name; the AWS CLI refuses the whole file");
    }
    std::string_view written_key = python_rstrip(value.substr(0, delimiter));
    std::string_view key = written_key;
    const bool already_lower = std::none_of(written_key.begin(), written_key.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
    });
    if (!already_lower) key = text.keep(python_lower(written_key));
    std::string_view optval = python_strip(value.substr(delimiter + 1));
    std::vector<Setting>& settings = settings_of(current);
    auto existing = std::find_if(settings.begin(), settings.end(), [key](const Setting& s) { return s.key == key; });
    if (existing != settings.end()) {
      error(line_number, column(), "parse.duplicate-key",
            "key '" + std::string(key) + "' is already set on line " + std::to_string(existing->source.line) +
                " of this section; the AWS CLI refuses the whole file (DuplicateOptionError)");
      existing->value = optval;
      existing->source.line = line_number;
      const auto index = static_cast<std::size_t>(existing - settings.begin());
      std::erase_if(read.multi_line,
                    [&](const MultiLineValue& m) { return m.section == current && m.setting == index; });
      open_option(index);
      continue;
    }
    settings.push_back(Setting{key, optval, nullptr, SourceRef{kind, line_number}});
    open_option(settings.size() - 1);
  }
  close_section();
  return read;
}

// Joins each multi-line value as configparser does: the lines with '\n', then trailing
// whitespace removed.
void join_multi_line_values(ReadFile& read, ModelText& text) {
  for (const MultiLineValue& multi : read.multi_line) {
    Setting& setting = read.at(multi.section).settings[multi.setting];
    std::string joined(setting.value);
    for (std::string_view part : multi.continuations) {
      joined += '\n';
      joined += part;
    }
    joined.resize(python_rstrip(joined).size());
    setting.value = text.keep(std::move(joined));
  }
}

// botocore's _parse_nested, for a value that starts with a newline. Returns false (with a
// diagnostic) when the AWS CLI would refuse the file.
bool parse_block(Setting& setting, const InputFile& file, ModelText& text, Diagnostics& diagnostics) {
  std::vector<SubProperty> subs;
  std::size_t bad = 0;
  if (parse_sub_properties(setting.value, subs, bad)) {
    setting.sub_properties = text.keep(std::move(subs));
    return true;
  }
  diagnostics.push_back(make_diagnostic(
      file.path, setting.source.line, 1, Severity::error, "parse.bad-sub-property",
      "the block under '" + std::string(setting.key) + "' has a line without '='; the AWS CLI refuses the whole file"));
  return false;
}

// raw_config_parse: each section's options, [DEFAULT]'s leaking in after its own, with nested
// blocks parsed.
void resolve_sections(ReadFile& read, const InputFile& file, ModelText& text, Diagnostics& diagnostics) {
  // A [DEFAULT] block is checked only once it is used, as botocore does, and reported once.
  std::vector<bool> default_checked(read.defaults.settings.size(), false);
  for (Section& section : read.sections) {
    for (Setting& setting : section.settings)
      if (setting.value.starts_with('\n') && !parse_block(setting, file, text, diagnostics)) read.fatal = true;
    for (std::size_t d = 0; d < read.defaults.settings.size(); ++d) {
      Setting& inherited = read.defaults.settings[d];
      if (section.find(inherited.key) != nullptr) continue;
      if (!default_checked[d]) {
        default_checked[d] = true;
        if (inherited.value.starts_with('\n') && !parse_block(inherited, file, text, diagnostics)) read.fatal = true;
      }
      section.settings.push_back(inherited);
    }
  }
}

// Reads one file as configparser and raw_config_parse would: its sections, named by the text
// between the brackets.
std::vector<Section> read_cli_file(const InputFile& file, FileKind kind, ModelText& text, Diagnostics& diagnostics,
                                   bool& fatal) {
  text.retain(file.text);
  ReadFile read = read_configparser(file, kind, text, diagnostics);
  join_multi_line_values(read, text);
  resolve_sections(read, file, text, diagnostics);
  fatal = read.fatal;
  return std::move(read.sections);
}

}  // namespace

ProfileModel build_cli_model(const InputFile& config, const InputFile& credentials) {
  ProfileModel model;
  model.dialect = Dialect::cli;
  ModelText& text = *model.text;
  SectionList profiles, sso_sessions, services, others;

  if (config.exists()) {
    bool fatal = false;
    // build_profile_map: "profile NAME", "sso-session NAME" and "services NAME" split like a shell,
    // a bare [default]; other sections that start with those words are ignored.
    auto place = [&](Section& section) -> std::optional<std::string_view> {
      const std::string_view raw_name = section.name;
      for (auto [prefix, list] : {std::pair{std::string_view("profile"), &profiles},
                                  std::pair{std::string_view("sso-session"), &sso_sessions},
                                  std::pair{std::string_view("services"), &services}}) {
        if (!raw_name.starts_with(prefix)) continue;
        std::string unquoted;
        std::optional<std::string_view> second = shlex_second_of_two(raw_name, unquoted);
        if (!second) {
          model.diagnostics.push_back(make_diagnostic(
              config.path, section.config_line, 1, Severity::warning, "parse.ignored-section",
              "the AWS CLI ignores [" + std::string(raw_name) + "]: after '" + std::string(prefix) +
                  "' it needs exactly one name (quote a name that contains spaces)"));
          return std::nullopt;
        }
        const std::string_view name = second->data() == unquoted.data() ? text.keep(std::move(unquoted)) : *second;
        if (list == &profiles) return name;
        list->assign(name, std::move(section));
        return std::nullopt;
      }
      if (raw_name == "default") return "default";
      others.assign(raw_name, std::move(section));
      return std::nullopt;
    };
    profiles.absorb(read_cli_file(config, FileKind::config, text, model.diagnostics, fatal), place);
    model.config_unreadable = fatal;
  }

  if (credentials.exists()) {
    bool fatal = false;
    for (Section& section : read_cli_file(credentials, FileKind::credentials, text, model.diagnostics, fatal)) {
      Section* existing = profiles.find(section.name);
      if (existing == nullptr) {
        profiles.assign(section.name, std::move(section));
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
