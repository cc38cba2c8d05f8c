#include "awsprof/syntax/document.hpp"

#include <algorithm>
#include <limits>

#include "text_util.hpp"
#include "unicode_text.hpp"

namespace awsprof {

using detail::is_blank_char;
using detail::python_strip;
using detail::trim_blanks;

namespace {

constexpr std::string_view kSectionPrefixes[] = {"profile", "sso-session", "services"};

Span span_of(std::string_view line, std::string_view part) {
  auto begin = static_cast<std::uint32_t>(part.data() - line.data());
  return Span{begin, begin + static_cast<std::uint32_t>(part.size())};
}

// The value after a delimiter, trimmed as the AWS CLI trims it. An empty value sits at the end of
// the line, after the delimiter's blanks, so an edit can fill it in without disturbing what came
// before.
Span value_span(std::string_view line, std::size_t after_delimiter) {
  std::string_view trimmed = python_strip(line.substr(after_delimiter));
  if (trimmed.empty()) {
    auto end = static_cast<std::uint32_t>(line.size());
    return Span{end, end};
  }
  return span_of(line, trimmed);
}

// The width of an indentation as the AWS CLI compares them: in characters, not bytes.
std::size_t indent_width(std::string_view indentation) {
  return static_cast<std::size_t>(std::count_if(indentation.begin(), indentation.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a UTF-8 continuation byte
  }));
}

bool needs_quoting(std::string_view name) {
  return name.empty() || std::any_of(name.begin(), name.end(), [](char c) {
           return is_blank_char(c) || c == '"' || c == '\'' || c == '\\';
         });
}

}  // namespace

// Names are split at blanks as a person reads them. What a header means to a reader is not decided
// here (the AWS CLI splits names like a shell, the SDKs at spaces and tabs): the edits ask the
// readers (config_edit.cpp).
SectionName parse_section_name(std::string_view header_text) {
  std::string_view text = trim_blanks(header_text);
  for (std::string_view prefix : kSectionPrefixes) {
    if (text.size() > prefix.size() && text.starts_with(prefix) && is_blank_char(text[prefix.size()])) {
      std::string_view rest = trim_blanks(text.substr(prefix.size()));
      std::string name;
      if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
        // Undo the quoting format_section_header applies ("\"" and "\\" escapes inside double quotes).
        std::string_view inner = rest.substr(1, rest.size() - 2);
        for (std::size_t i = 0; i < inner.size(); ++i) {
          if (rest.front() == '"' && inner[i] == '\\' && i + 1 < inner.size() &&
              (inner[i + 1] == '"' || inner[i + 1] == '\\'))
            ++i;
          name += inner[i];
        }
      } else {
        name = rest;
      }
      return SectionName{std::string(prefix), std::move(name)};
    }
  }
  return SectionName{"", std::string(text)};
}

std::string format_section_header(const SectionName& section) {
  if (section.prefix.empty()) return section.name;
  if (!needs_quoting(section.name)) return section.prefix + " " + section.name;
  std::string quoted = "\"";
  for (char c : section.name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return section.prefix + " " + quoted;
}

Document Document::parse(std::string text) {
  Document doc;
  doc.text_ = std::make_shared<std::string>(std::move(text));
  doc.index();
  return doc;
}

// One pass over the text: split lines (\n, \r\n or a lone \r, as Python's universal newlines
// do), classify each, and group them into sections and properties. Whitespace (indentation, and
// the blanks around keys and values) is what the AWS CLI takes for it, Python's: "\x1ckey = v"
// is the key "key", indented by one character.
void Document::index() {
  lines_.clear();
  sections_.clear();
  // Offsets are 32-bit; files this large are refused by the file system layer long before.
  const std::string& text = *text_;
  const std::size_t size = std::min<std::size_t>(text.size(), std::numeric_limits<std::uint32_t>::max());
  lines_.reserve(size / 24 + 1);

  const char* data = text.data();
  const detail::LineSplitter lines(std::string_view(data, size));
  std::size_t pos = 0;
  PropertyRange* open_property = nullptr;
  std::size_t open_indent = 0;  // the open property's indentation width
  bool open_is_block = false;

  while (pos < size) {
    const detail::LineEnd line_end = lines.end_of_line_at(pos);
    Line line;
    line.offset = static_cast<std::uint32_t>(pos);
    line.length = static_cast<std::uint32_t>(line_end.end - pos);
    line.eol_length = static_cast<std::uint8_t>(line_end.eol_length);
    pos = line_end.end + line_end.eol_length;

    std::string_view content(data + line.offset, line.length);
    const std::string_view unindented = detail::python_lstrip(content);
    line.indent = static_cast<std::uint32_t>(content.size() - unindented.size());
    const std::size_t indent = line.indent == 0 ? 0 : indent_width(content.substr(0, line.indent));
    std::string_view rest = detail::python_rstrip(unindented);
    const std::size_t line_index = lines_.size();

    if (rest.empty()) {
      line.kind = LineKind::blank;
    } else if (rest.front() == '#' || rest.front() == ';') {
      line.kind = LineKind::comment;
    } else if (rest.front() == '[' && rest.find(']') != std::string_view::npos) {
      line.kind = LineKind::section;
      std::size_t open = static_cast<std::size_t>(rest.data() - content.data());
      std::size_t close = content.rfind(']');
      line.key = Span{static_cast<std::uint32_t>(open + 1), static_cast<std::uint32_t>(close)};
      if (!sections_.empty()) sections_.back().end = line_index;
      sections_.push_back(SectionRange{line_index, line_index + 1, {}});
      open_property = nullptr;
    } else if (open_property != nullptr && indent > open_indent) {
      std::size_t eq = content.find('=');
      if (open_is_block && eq != std::string_view::npos) {
        line.kind = LineKind::sub_property;
        line.delimiter = '=';
        line.key = span_of(content, python_strip(content.substr(0, eq)));
        line.value = value_span(content, eq + 1);
      } else {
        line.kind = LineKind::continuation;
        line.value = span_of(content, rest);
      }
      open_property->last_line = line_index;
    } else {
      std::size_t delim = detail::find_delimiter(content);
      if (delim == std::string_view::npos || sections_.empty()) {
        line.kind = LineKind::junk;
        open_property = nullptr;
      } else {
        line.kind = LineKind::property;
        line.delimiter = content[delim];
        line.key = span_of(content, python_strip(content.substr(0, delim)));
        line.value = value_span(content, delim + 1);
        auto& props = sections_.back().properties;
        props.push_back(PropertyRange{line_index, line_index});
        open_property = &props.back();
        open_indent = indent;
        open_is_block = line.value.empty();
      }
    }
    lines_.push_back(line);
  }
  if (!sections_.empty()) sections_.back().end = lines_.size();
}

std::string_view Document::line_text(std::size_t index) const {
  const Line& line = lines_[index];
  return std::string_view(*text_).substr(line.offset, line.length);
}

std::string_view Document::line_eol(std::size_t index) const {
  const Line& line = lines_[index];
  return std::string_view(*text_).substr(line.offset + line.length, line.eol_length);
}

std::string_view Document::slice(std::size_t index, Span span) const {
  return line_text(index).substr(span.begin, span.end - span.begin);
}

SectionName Document::section_name(const SectionRange& section) const {
  return parse_section_name(key_of(section.header));
}

std::string_view Document::preferred_eol() const {
  for (std::size_t i = 0; i < lines_.size(); ++i)
    if (lines_[i].eol_length > 0) return line_eol(i);
  return "\n";
}

const SectionRange* Document::find_section(const SectionName& name) const {
  for (auto it = sections_.rbegin(); it != sections_.rend(); ++it)
    if (section_name(*it) == name) return &*it;
  return nullptr;
}

const PropertyRange* Document::find_property(const SectionRange& section, std::string_view key) const {
  for (auto it = section.properties.rbegin(); it != section.properties.rend(); ++it)
    if (detail::iequals(key_of(it->line), key)) return &*it;
  return nullptr;
}

std::optional<std::size_t> Document::find_sub_property(const PropertyRange& property, std::string_view key) const {
  for (std::size_t i = property.last_line; i > property.line; --i)
    if (lines_[i].kind == LineKind::sub_property && key_of(i) == key) return i;
  return std::nullopt;
}

std::optional<int> Document::sub_property_line(int property_line, std::string_view key) const {
  const PropertyRange* property =
      property_line < 1 ? nullptr : property_at(static_cast<std::size_t>(property_line - 1));
  if (property == nullptr) return std::nullopt;
  std::optional<std::size_t> found = find_sub_property(*property, key);
  return found ? std::optional<int>(static_cast<int>(*found) + 1) : std::nullopt;
}

const SectionRange* Document::section_at(std::size_t index) const {
  auto next = std::upper_bound(sections_.begin(), sections_.end(), index,
                               [](std::size_t line, const SectionRange& s) { return line < s.header; });
  return next == sections_.begin() ? nullptr : &*std::prev(next);
}

const PropertyRange* Document::property_at(std::size_t index) const {
  const SectionRange* section = section_at(index);
  if (section == nullptr) return nullptr;
  auto property = std::lower_bound(section->properties.begin(), section->properties.end(), index,
                                   [](const PropertyRange& p, std::size_t line) { return p.line < line; });
  return property != section->properties.end() && property->line == index ? &*property : nullptr;
}

// ---- Edits --------------------------------------------------------------------------------

std::string check_edit_key(std::string_view key) {
  if (key.empty()) return "the key is empty";
  for (char c : key) {
    if (c == '\r' || c == '\n') return "the key contains a line break";
    if (c == '\0') return "the key contains a NUL byte";
  }
  // Whitespace anywhere, not only around it: the AWS CLI would drop it at the edges, and a key
  // read under another name than the one set is a value lost.
  if (std::optional<char32_t> space = detail::find_python_space(key)) {
    if (*space == U' ' || *space == U'\t') return "the key contains whitespace";
    return "the key contains whitespace (" + detail::code_point_name(*space) + ")";
  }
  for (char c : key) {
    if (c == '=' || c == ':' || c == '[' || c == ']' || c == '#' || c == ';')
      return std::string("the key contains '") + c + "'";
  }
  return "";
}

std::string check_edit_value(std::string_view value) {
  for (char c : value) {
    if (c == '\r' || c == '\n') return "the value contains a line break";
    if (c == '\0') return "the value contains a NUL byte";
  }
  return "";
}

namespace {
// A header holds one line; the text between its brackets is whatever comes before the last ']'.
std::string check_header_text(std::string_view text) {
  if (text.empty()) return "the section name is empty";
  for (char c : text)
    if (c == '\r' || c == '\n' || c == '\0')
      return "the section name contains a line break or a NUL byte, which a header cannot hold";
  return "";
}

Status check_section_name(const SectionName& section) {
  if (std::string why = check_header_text(format_section_header(section)); !why.empty())
    return Status::error(why);
  // The header written must read back as this very name, or the edit could not find what it
  // wrote (e.g. {"", " x"} is written "[ x]", which reads as "x").
  if (parse_section_name(format_section_header(section)) != section)
    return Status::error("the section name '" + section.name + "' would not read back as written");
  return Status();
}

// The line with its value replaced: the text before and after the value stays, and a value
// filled into "key =" gets the blank the delimiter had before it.
std::string with_value(std::string_view content, const Line& line, std::string_view value) {
  std::string updated(content.substr(0, line.value.begin));
  if (line.value.empty() && !value.empty() && line.value.begin >= 2 &&
      content[line.value.begin - 1] == line.delimiter &&
      detail::is_ascii_python_space(static_cast<unsigned char>(content[line.value.begin - 2])))
    updated += ' ';
  updated += value;
  updated += content.substr(line.value.end);
  return updated;
}
}  // namespace

std::string& Document::writable_text() {
  if (text_.use_count() > 1) text_ = std::make_shared<std::string>(*text_);
  return *text_;
}

void Document::replace_lines(std::size_t first, std::size_t last_exclusive, std::string_view replacement) {
  std::string& text = writable_text();
  std::size_t begin = first < lines_.size() ? lines_[first].offset : text.size();
  std::size_t end = last_exclusive < lines_.size() ? lines_[last_exclusive].offset : text.size();
  text.replace(begin, end - begin, replacement);
  index();
}

// Inserts whole lines (each ending in an EOL) before line `index`. At the end of a file whose
// last line has no line ending, the new lines go after an added EOL and the file keeps lacking
// a final one, so nothing about the existing layout changes.
void Document::insert_before_line(std::size_t index, std::string_view text) {
  if (index >= lines_.size() && !lines_.empty() && lines_.back().eol_length == 0) {
    std::string_view eol = preferred_eol();
    std::string block(text);
    if (block.ends_with(eol)) block.erase(block.size() - eol.size());
    writable_text() += eol;
    writable_text() += block;
    this->index();
    return;
  }
  replace_lines(index, index, text);
}

Status Document::add_section(const SectionName& section, std::string_view body) {
  if (Status s = check_section_name(section); !s) return s;
  if (find_section(section) != nullptr)
    return Status::error("section [" + format_section_header(section) + "] already exists");
  return append_section(format_section_header(section), body);
}

Status Document::append_section(std::string_view header_text, std::string_view body) {
  if (std::string why = check_header_text(header_text); !why.empty()) return Status::error(why);
  std::string eol(preferred_eol());
  std::string block;
  if (!lines_.empty()) {
    if (lines_.back().eol_length == 0) block += eol;
    if (lines_.back().kind != LineKind::blank || lines_.back().eol_length == 0) block += eol;
  }
  block += "[" + std::string(header_text) + "]" + eol;
  block += body;
  if (!body.empty() && body.back() != '\n' && body.back() != '\r') block += eol;
  writable_text() += block;
  index();
  return Status();
}

// The last line a section really owns: its last property's last line, then any comment lines
// directly after it. Comments after a blank line introduce the next section.
static std::size_t last_owned_line(std::span<const Line> lines, const SectionRange& sec) {
  std::size_t last = sec.properties.empty() ? sec.header : sec.properties.back().last_line;
  while (last + 1 < sec.end && lines[last + 1].kind == LineKind::comment) ++last;
  return last;
}

std::string_view Document::section_body(const SectionRange& section) const {
  std::size_t last = last_owned_line(lines_, section);
  if (last == section.header) return {};
  std::size_t begin = lines_[section.header + 1].offset;
  std::size_t end = lines_[last].offset + lines_[last].length + lines_[last].eol_length;
  return std::string_view(*text_).substr(begin, end - begin);
}

Status Document::set_property(const SectionName& section, std::string_view key, std::string_view value) {
  if (std::string why = check_edit_key(key); !why.empty()) return Status::error(why);
  if (std::string why = check_edit_value(value); !why.empty()) return Status::error(why);
  if (find_section(section) == nullptr) {
    if (Status s = add_section(section); !s) return s;
  }
  return set_property_in(find_section(section)->header, key, value);
}

Status Document::set_property_in(std::size_t header, std::string_view key, std::string_view value) {
  if (std::string why = check_edit_key(key); !why.empty()) return Status::error(why);
  if (std::string why = check_edit_value(value); !why.empty()) return Status::error(why);
  const SectionRange* sec = section_at(header);
  if (sec == nullptr || sec->header != header) return Status::error("no section header on that line");
  if (const PropertyRange* prop = find_property(*sec, key)) return set_value_at(prop->line, value);

  std::size_t insert_at = sec->header + 1;
  std::string indent;
  if (!sec->properties.empty()) {
    const PropertyRange& tail = sec->properties.back();
    insert_at = tail.last_line + 1;
    indent = line_text(tail.line).substr(0, lines_[tail.line].indent);
  }
  std::string line = indent + std::string(key) + (value.empty() ? " =" : " = " + std::string(value));
  insert_before_line(insert_at, line + std::string(preferred_eol()));
  return Status();
}

Status Document::set_value_at(std::size_t index, std::string_view value) {
  if (std::string why = check_edit_value(value); !why.empty()) return Status::error(why);
  if (index >= lines_.size()) return Status::error("no such line");
  const Line& line = lines_[index];
  std::size_t last = index;
  if (line.kind == LineKind::property) {
    last = property_at(index)->last_line;  // a new value replaces the continuation lines
  } else if (line.kind != LineKind::sub_property) {
    return Status::error("no property on that line");
  }
  replace_lines(index, last + 1, with_value(line_text(index), line, value) + std::string(line_eol(last)));
  return Status();
}

Status Document::set_sub_property(const SectionName& section, std::string_view parent, std::string_view key,
                                  std::string_view value) {
  if (std::string why = check_edit_key(parent); !why.empty()) return Status::error(why);
  if (std::string why = check_edit_key(key); !why.empty()) return Status::error(why);
  if (std::string why = check_edit_value(value); !why.empty()) return Status::error(why);
  if (find_section(section) == nullptr) {
    if (Status s = add_section(section); !s) return s;
  }
  return set_sub_property_in(find_section(section)->header, parent, key, value);
}

Status Document::set_sub_property_in(std::size_t header, std::string_view parent, std::string_view key,
                                     std::string_view value) {
  if (std::string why = check_edit_key(parent); !why.empty()) return Status::error(why);
  if (std::string why = check_edit_key(key); !why.empty()) return Status::error(why);
  if (std::string why = check_edit_value(value); !why.empty()) return Status::error(why);
  const SectionRange* sec = section_at(header);
  if (sec == nullptr || sec->header != header) return Status::error("no section header on that line");
  const PropertyRange* prop = find_property(*sec, parent);
  if (prop == nullptr) {
    if (Status s = set_property_in(header, parent, ""); !s) return s;
    prop = find_property(*section_at(header), parent);
  } else if (!lines_[prop->line].value.empty()) {
    return Status::error("'" + std::string(parent) + "' has the value '" + std::string(value_of(prop->line)) +
                         "', not a block of sub-properties");
  }

  if (auto sub = find_sub_property(*prop, key)) return set_value_at(*sub, value);

  std::string indent = std::string(line_text(prop->line).substr(0, lines_[prop->line].indent)) + "    ";
  for (std::size_t i = prop->last_line; i > prop->line; --i) {
    if (lines_[i].kind == LineKind::sub_property) {
      indent = line_text(i).substr(0, lines_[i].indent);
      break;
    }
  }
  insert_before_line(prop->last_line + 1,
                     indent + std::string(key) + " = " + std::string(value) + std::string(preferred_eol()));
  return Status();
}

bool Document::unset_property(const SectionName& section, std::string_view key) {
  bool removed = false;
  for (;;) {
    const PropertyRange* found = nullptr;
    for (const SectionRange& sec : sections_) {
      if (section_name(sec) != section) continue;
      if (const PropertyRange* prop = find_property(sec, key)) found = prop;
    }
    if (found == nullptr) return removed;
    remove_property_at(found->line);
    removed = true;
  }
}

void Document::remove_property_at(std::size_t index) {
  if (const PropertyRange* prop = property_at(index)) replace_lines(prop->line, prop->last_line + 1, "");
}

bool Document::unset_sub_property(const SectionName& section, std::string_view parent, std::string_view key) {
  bool removed = false;
  for (;;) {
    const SectionRange* sec = find_section(section);
    const PropertyRange* prop = sec ? find_property(*sec, parent) : nullptr;
    std::optional<std::size_t> sub = prop ? find_sub_property(*prop, key) : std::nullopt;
    if (!sub) return removed;
    remove_sub_property_at(*sub);
    removed = true;
  }
}

void Document::remove_sub_property_at(std::size_t index) {
  if (index >= lines_.size() || lines_[index].kind != LineKind::sub_property) return;
  const std::vector<PropertyRange>& properties = section_at(index)->properties;
  const std::size_t parent = std::find_if(properties.begin(), properties.end(), [&](const PropertyRange& p) {
                               return p.last_line >= index;
                             })->line;
  replace_lines(index, index + 1, "");
  const PropertyRange* prop = property_at(parent);
  bool any_sub = false;
  for (std::size_t i = prop->line + 1; i <= prop->last_line; ++i)
    any_sub = any_sub || lines_[i].kind == LineKind::sub_property;
  if (!any_sub) remove_property_at(parent);
}

Status Document::rename_section(const SectionName& from, const SectionName& to) {
  if (Status s = check_section_name(to); !s) return s;
  if (find_section(from) == nullptr) return Status::error("section [" + format_section_header(from) + "] does not exist");
  if (from != to && find_section(to) != nullptr)
    return Status::error("section [" + format_section_header(to) + "] already exists");
  for (std::size_t s = 0; s < sections_.size(); ++s)
    if (section_name(sections_[s]) == from) rename_section_at(sections_[s].header, format_section_header(to));
  return Status();
}

Status Document::rename_section_at(std::size_t header, std::string_view header_text) {
  if (std::string why = check_header_text(header_text); !why.empty()) return Status::error(why);
  if (header >= lines_.size() || lines_[header].kind != LineKind::section)
    return Status::error("no section header on that line");
  std::string_view content = line_text(header);
  const Line& line = lines_[header];
  std::string updated(content.substr(0, line.key.begin));
  updated += header_text;
  updated += content.substr(line.key.end);
  updated += line_eol(header);
  replace_lines(header, header + 1, updated);
  return Status();
}

bool Document::remove_section(const SectionName& section) {
  bool removed = false;
  for (std::size_t s = sections_.size(); s-- > 0;) {
    if (section_name(sections_[s]) != section) continue;
    remove_section_at(sections_[s].header);
    removed = true;
  }
  return removed;
}

void Document::remove_section_at(std::size_t header) {
  const SectionRange* sec = section_at(header);
  if (sec == nullptr || sec->header != header) return;
  // The section's own lines: its header, its properties, and comments that directly follow
  // them. Comments after a blank line introduce the next section, so they stay.
  std::size_t last = last_owned_line(lines_, *sec);
  if (last + 1 < sec->end && lines_[last + 1].kind != LineKind::blank) last = sec->end - 1;
  std::size_t first = sec->header;
  if (first > 0 && lines_[first - 1].kind == LineKind::blank) --first;
  replace_lines(first, last + 1, "");
}

bool Document::section_is_empty(const SectionName& section) const {
  bool found = false;
  for (const SectionRange& sec : sections_) {
    if (section_name(sec) != section) continue;
    found = true;
    if (!sec.properties.empty()) return false;
  }
  return found;
}

}  // namespace awsprof
