// The lossless document: a concrete syntax tree of one AWS config or credentials file.
//
// Parsing never fails and never throws: every byte sequence yields a Document whose text() is
// exactly the input. Lines the structure cannot place are kept as LineKind::junk. The dialects
// (profile_model.hpp) interpret the same lines the way the AWS CLI or the SDKs would; this layer
// only records the layout, so that edits change no more than they must. Whitespace (blank lines,
// indentation, the blanks around keys and values) is the AWS CLI's: Python's str.isspace(), which
// includes \v, \f, \x1c-\x1f, U+0085, U+00A0 and the other Unicode spaces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/result.hpp"

namespace awsprof {

/// A half-open byte range [begin, end) within one line's content.
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  bool empty() const { return begin == end; }
};

enum class LineKind : std::uint8_t {
  blank,         ///< Nothing but whitespace.
  comment,       ///< First non-blank character is '#' or ';'.
  section,       ///< '[' ... ']' (possibly indented; name is between '[' and the last ']').
  property,      ///< key = value (or key : value) that starts an entry of its section.
  sub_property,  ///< Indented key = value below a property whose own value is empty.
  continuation,  ///< Indented text below a property: part of its value.
  junk,          ///< None of the above (no delimiter, or text before the first section).
};

/// One physical line. Offsets are into Document::text().
struct Line {
  std::uint32_t offset = 0;       ///< Where the line starts in the text.
  std::uint32_t length = 0;       ///< Content bytes, without the line ending.
  std::uint8_t eol_length = 0;    ///< 0 (last line without newline), 1 ("\n" or "\r") or 2 ("\r\n").
  LineKind kind = LineKind::blank;
  std::uint32_t indent = 0;       ///< Leading whitespace, in bytes.
  Span key;                       ///< section: the text between the brackets; property: the key.
  Span value;                     ///< property/sub_property: the value, trimmed; continuation: its text.
  char delimiter = 0;             ///< '=' or ':' for properties, else 0.
};

/// A property and the lines that belong to it (continuations, sub-properties, and the blank or
/// comment lines between them).
struct PropertyRange {
  std::size_t line = 0;       ///< Index of the property line.
  std::size_t last_line = 0;  ///< Index of its last continuation or sub-property line.
};

/// A section and the lines it owns: from its header up to the next header.
struct SectionRange {
  std::size_t header = 0;      ///< Index of the header line.
  std::size_t end = 0;         ///< One past the last line the section owns.
  std::vector<PropertyRange> properties;
};

/// How a section header names its section, read the way a person (and awsprof's edits) would:
/// "[ profile  foo ]" is the prefix "profile" and the name "foo"; quotes are removed.
struct SectionName {
  std::string prefix;  ///< "", "profile", "sso-session" or "services".
  std::string name;    ///< The rest, trimmed and unquoted.
  bool operator==(const SectionName&) const = default;
};

/// Splits a header's bracket text ("profile foo") into prefix and name.
SectionName parse_section_name(std::string_view header_text);

/// The header text awsprof writes for a section: "profile foo", or 'profile "a b"' when the
/// name needs quoting for the AWS CLI to read it back.
std::string format_section_header(const SectionName& name);

class Document {
 public:
  Document() = default;

  /// Parses any bytes. Never fails; see the file comment.
  static Document parse(std::string text);

  /// The exact bytes: print(parse(x)) == x.
  const std::string& text() const { return *text_; }
  /// The same bytes, shared: they stay valid and unchanged after this document is edited, moved
  /// or destroyed (edits copy a shared buffer first). Readers that hand out views into the text
  /// keep this.
  std::shared_ptr<const std::string> shared_text() const { return text_; }

  std::span<const Line> lines() const { return lines_; }
  const std::vector<SectionRange>& sections() const { return sections_; }
  /// Lines before the first section header (comments, blanks, and junk).
  std::size_t preamble_end() const { return sections_.empty() ? lines_.size() : sections_.front().header; }

  std::string_view line_text(std::size_t index) const;       ///< Content without line ending.
  std::string_view line_eol(std::size_t index) const;        ///< The line ending bytes.
  std::string_view slice(std::size_t index, Span span) const;
  std::string_view key_of(std::size_t index) const { return slice(index, lines_[index].key); }
  std::string_view value_of(std::size_t index) const { return slice(index, lines_[index].value); }
  SectionName section_name(const SectionRange& section) const;

  /// The line ending new lines should use: the first one in the file, else "\n".
  std::string_view preferred_eol() const;

  /// The last section with this name, or nullptr.
  const SectionRange* find_section(const SectionName& name) const;
  /// The last property of the section whose key equals `key` ignoring ASCII case.
  const PropertyRange* find_property(const SectionRange& section, std::string_view key) const;
  /// The last sub-property line (index) named `key` below `property`.
  std::optional<std::size_t> find_sub_property(const PropertyRange& property, std::string_view key) const;
  /// The same for the block whose key is on 1-based line `property_line` (the line the profile
  /// model gives a setting): the 1-based line of its last sub-property `key`, or nullopt.
  std::optional<int> sub_property_line(int property_line, std::string_view key) const;

  /// The section that owns line `index` (its header, or a line below it), or nullptr for a
  /// line before the first header.
  const SectionRange* section_at(std::size_t index) const;
  /// The property that starts on line `index`, or nullptr.
  const PropertyRange* property_at(std::size_t index) const;

  // ---- Edits. Each changes only the lines it must; on a refused edit the document is unchanged.
  //
  // Those named by a SectionName find the section the way section_name() reads headers; those
  // named by a line (`header`, `index`, 0-based) edit exactly that line's section or property,
  // for callers that know which lines a dialect's reader takes (config_edit.hpp).

  /// Sets key = value in the named section, creating the section if needed. An existing key
  /// (matched ignoring case, e.g. "REGION") is changed in place.
  Status set_property(const SectionName& section, std::string_view key, std::string_view value);
  /// Sets parent.key = value as an indented sub-property ("s3 =" block).
  Status set_sub_property(const SectionName& section, std::string_view parent, std::string_view key,
                          std::string_view value);
  /// Removes the key (and its continuation lines). Returns true if something was removed.
  bool unset_property(const SectionName& section, std::string_view key);
  /// Removes parent.key, and the parent when its block becomes empty.
  bool unset_sub_property(const SectionName& section, std::string_view parent, std::string_view key);
  /// Appends "[header]" with a blank line before it, followed by `body` (whole lines, as copied
  /// from another section by section_body()). Refused if it already exists.
  Status add_section(const SectionName& section, std::string_view body = {});
  /// The bytes of a section after its header line, through its last property (and the comment
  /// lines directly after it): what copying the section must carry along.
  std::string_view section_body(const SectionRange& section) const;
  /// Rewrites the header of `from` (every occurrence) to name `to`.
  Status rename_section(const SectionName& from, const SectionName& to);
  /// Removes every section with this name, with all its lines. Returns true if one existed.
  bool remove_section(const SectionName& section);
  /// True if the section exists and has no properties.
  bool section_is_empty(const SectionName& section) const;

  /// set_property in the section whose header is on line `header`.
  Status set_property_in(std::size_t header, std::string_view key, std::string_view value);
  /// set_sub_property in the section whose header is on line `header`.
  Status set_sub_property_in(std::size_t header, std::string_view parent, std::string_view key,
                             std::string_view value);
  /// Sets the value of the property (replacing its continuation lines) or sub-property on line
  /// `index`, keeping the rest of the line as it is.
  Status set_value_at(std::size_t index, std::string_view value);
  /// Removes the property that starts on line `index`, with its continuation lines and block.
  void remove_property_at(std::size_t index);
  /// Removes the sub-property on line `index`, and its parent once no sub-property is left.
  void remove_sub_property_at(std::size_t index);
  /// Appends "[header_text]" as add_section does, whatever sections already exist; refused only
  /// when it would not be one header line holding exactly `header_text` between its brackets.
  Status append_section(std::string_view header_text, std::string_view body = {});
  /// Rewrites the text between the brackets of the header on line `header`.
  Status rename_section_at(std::size_t header, std::string_view header_text);
  /// Removes the section whose header is on line `header`, as remove_section does.
  void remove_section_at(std::size_t header);

 private:
  void index();
  void replace_lines(std::size_t first, std::size_t last_exclusive, std::string_view replacement);
  void insert_before_line(std::size_t index, std::string_view text);
  /// The text to change in place, copied first if a reader still shares it.
  std::string& writable_text();

  std::shared_ptr<std::string> text_ = std::make_shared<std::string>();
  std::vector<Line> lines_;
  std::vector<SectionRange> sections_;
};

/// Checks a key or value for edits: refuses CR, LF and NUL (and, for keys, whitespace anywhere and
/// characters that would change the line's meaning). Returns the reason, or an empty string when
/// acceptable.
std::string check_edit_key(std::string_view key);
std::string check_edit_value(std::string_view value);

}  // namespace awsprof
