#include "awsprof/model/profile_model.hpp"

#include <algorithm>

#include "awsprof/support/suggest.hpp"
#include "profile_model_common.hpp"
#include "unicode_text.hpp"

namespace awsprof {

const char* to_string(Dialect dialect) { return dialect == Dialect::cli ? "cli" : "sdk"; }

std::optional<Dialect> parse_dialect(std::string_view text) {
  if (text == "cli") return Dialect::cli;
  if (text == "sdk") return Dialect::sdk;
  return std::nullopt;
}

const char* to_string(FileKind kind) { return kind == FileKind::config ? "config" : "credentials"; }

bool is_portable_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '/' || c == '.' || c == '%' || c == '@' || c == ':' || c == '+';
}

bool is_portable_profile_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_portable_name_char);
}

const SubProperty* Setting::find_sub(std::string_view sub_key) const {
  if (!sub_properties) return nullptr;
  for (auto it = sub_properties->rbegin(); it != sub_properties->rend(); ++it)
    if (it->key == sub_key) return &*it;
  return nullptr;
}

const Setting* Section::find(std::string_view key) const {
  for (const Setting& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

Setting* Section::find(std::string_view key) {
  for (Setting& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

namespace {
const Section* find_in(const std::vector<Section>& sections, std::string_view name) {
  for (const Section& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}
}  // namespace

const Section* ProfileModel::find_profile(std::string_view name) const { return find_in(profiles, name); }
const Section* ProfileModel::find_sso_session(std::string_view name) const { return find_in(sso_sessions, name); }
const Section* ProfileModel::find_services(std::string_view name) const { return find_in(services, name); }

std::string missing_profile_message(const ProfileModel& model, std::string_view name) {
  std::vector<std::string> names;
  for (const Section& profile : model.profiles) names.emplace_back(profile.name);
  std::vector<std::string> near = nearest_names(name, names);
  std::string message = "the profile '" + std::string(name) + "' does not exist";
  for (std::size_t i = 0; i < near.size(); ++i)
    message += (i == 0 ? "; did you mean '" : i + 1 == near.size() ? " or '" : ", '") + near[i] + "'";
  return near.empty() ? message : message + "?";
}

ProfileModel build_profile_model(const InputFile& config, const InputFile& credentials, Dialect dialect) {
  return dialect == Dialect::cli ? detail::build_cli_model(config, credentials)
                                 : detail::build_sdk_model(config, credentials);
}

namespace detail {

std::size_t SectionList::index_of(std::string_view name) const {
  return index_.find(name, [this](std::size_t i) { return sections_[i].name; });
}

Section& SectionList::get_or_add(std::string_view name) {
  std::size_t index = index_of(name);
  if (index == NameIndex::npos) {
    index = sections_.size();
    index_.insert(name, index);
    sections_.emplace_back();
    sections_.back().name = name;
  }
  return sections_[index];
}

Section* SectionList::find(std::string_view name) {
  std::size_t index = index_of(name);
  return index == NameIndex::npos ? nullptr : &sections_[index];
}

Section& SectionList::assign(std::string_view name, Section section) {
  Section& slot = get_or_add(name);
  slot = std::move(section);
  slot.name = name;
  return slot;
}

void put_setting(Section& section, Setting setting) {
  if (Setting* existing = section.find(setting.key)) {
    *existing = std::move(setting);
  } else {
    section.settings.push_back(std::move(setting));
  }
}

Diagnostic make_diagnostic(const std::string& path, int line, int column, Severity severity, std::string rule,
                           std::string message) {
  Diagnostic d;
  d.path = path;
  d.line = line;
  d.column = column;
  d.severity = severity;
  d.rule_id = std::move(rule);
  d.message = std::move(message);
  return d;
}

bool parse_sub_properties(std::string_view block, std::vector<SubProperty>& out, std::size_t& bad_line) {
  std::size_t line_number = 0;
  for (std::string_view raw : python_splitlines(block)) {
    ++line_number;
    std::string_view line = python_strip(raw);
    if (line.empty()) continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      bad_line = line_number;
      return false;
    }
    SubProperty sub{python_strip(line.substr(0, eq)), python_strip(line.substr(eq + 1))};
    auto same = std::find_if(out.begin(), out.end(), [&](const SubProperty& s) { return s.key == sub.key; });
    if (same != out.end()) {
      same->value = sub.value;
    } else {
      out.push_back(std::move(sub));
    }
  }
  return true;
}

bool check_encoding(const InputFile& file, Diagnostics& diagnostics, const char* reader_name) {
  const std::string& text = *file.text;
  if (text.starts_with("\xEF\xBB\xBF")) {
    diagnostics.push_back(make_diagnostic(file.path, 1, 1, Severity::error, "parse.byte-order-mark",
                                          std::string("the file starts with a UTF-8 byte-order mark, which ") +
                                              reader_name + " does not skip, so it rejects the whole file"));
    return true;
  }
  if (auto bad = find_invalid_utf8(text)) {
    auto before = std::string_view(text).substr(0, *bad);
    int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    std::size_t line_start = before.rfind('\n');
    int column = static_cast<int>(*bad - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    diagnostics.push_back(make_diagnostic(file.path, line, column, Severity::error, "parse.invalid-utf8",
                                          std::string("the file is not valid UTF-8, so ") + reader_name +
                                              " rejects the whole file"));
    return true;
  }
  return false;
}

}  // namespace detail
}  // namespace awsprof
