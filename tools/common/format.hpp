// Output formatting shared by the tools: tables, JSON, colour, secret masking, diagnostics.
// These only format; computing what to print is the library's (or the tool's) job.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/syntax/document.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {

/// Rows of cells under a header, printed as aligned columns (table) or tab-separated (text).
class Table {
 public:
  /// An empty header prints no header line.
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  /// Adds a row; it must have as many cells as the header.
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }

  /// Header and rows, each line indented by `indent` blanks, columns two spaces apart and aligned
  /// by display width, without trailing blanks; the header in bold when `colour`. Prints nothing
  /// when there are no rows.
  void print_aligned(std::ostream& out, bool colour, std::size_t indent = 0) const;
  /// One line per row, cells separated by a tab, no header (for scripts).
  void print_tab_separated(std::ostream& out) const;
  /// print_aligned for OutputFormat::table, print_tab_separated for text (json is not a table).
  void print(std::ostream& out, OutputFormat format, bool colour) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// Prints JSON indented by two spaces, with a final newline. Invalid UTF-8 is replaced, never thrown.
void print_json(std::ostream& out, const nlohmann::ordered_json& value);
/// Appends `text` as a JSON string, exactly as print_json writes one: for output too long to
/// build as a JSON tree first.
void append_json_string(std::string& out, std::string_view text);

/// The number of terminal columns `text` takes as shown: ANSI escape sequences (colour) take none,
/// combining marks none, East Asian wide characters (CJK, most emoji) two, others one.
std::size_t display_width(std::string_view text);

/// `text` right-aligned in `width` columns as display_width() measures them (never cut).
std::string align_right(std::string_view text, std::size_t width);

/// ANSI styles, used only when colour is enabled.
enum class Style { bold, red, magenta, cyan, green };
/// `text` wrapped in the style's escape codes when `colour`, else `text` unchanged.
std::string styled(std::string_view text, Style style, bool colour);

/// Prints "program: error: message" and a newline, "error:" in red when `colour`.
void print_error(std::ostream& out, std::string_view program, std::string_view message, bool colour);
/// Prints "program: warning: message" and a newline, "warning:" in magenta when `colour`.
void print_warning(std::ostream& out, std::string_view program, std::string_view message, bool colour);

/// `document`'s line `line_number` (1-based), with the value of a secret key masked; `column`
/// (1-based, 0 for none) is moved to the same place in the masked text.
struct SourceLine {
  std::string text;
  int column = 0;
};
SourceLine masked_source_line(const Document& document, int line_number, int column);

/// Prints a diagnostic compiler-style: "path:line:col: error: message [rule-id]", then, when
/// `document` holds the line, the source line (secrets masked) and a caret under the column.
void print_diagnostic(std::ostream& out, const Diagnostic& diagnostic, const Document* document, bool colour);

}  // namespace awsprof::tool
