#include "common/format.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>

#include "awsprof/support/secrets.hpp"
#include "awsprof/model/settings_catalogue.hpp"

namespace awsprof::tool {
namespace {

/// The length of the ANSI escape sequence at the start of `text` (which starts with ESC): a CSI
/// sequence (ESC [ parameters final-byte, as styled() writes) or ESC and one character.
std::size_t escape_length(std::string_view text) {
  if (text.size() < 2) return text.size();
  if (text[1] != '[') return 2;
  std::size_t end = 2;
  while (end < text.size() && !(text[end] >= 0x40 && text[end] <= 0x7E)) ++end;
  return std::min(end + 1, text.size());
}

/// Calls `visit(bytes, width)` for each character of `text` as a terminal shows it: escape
/// sequences take no column, combining marks none, East Asian wide characters two; a byte that is
/// not UTF-8 is taken as one column.
template <typename Visit>
void for_each_shown(std::string_view text, Visit visit) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\033') {
      std::size_t length = escape_length(text.substr(i));
      visit(text.substr(i, length), 0);
      i += length;
      continue;
    }
    utf8proc_int32_t code_point = 0;
    utf8proc_ssize_t length = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                               static_cast<utf8proc_ssize_t>(text.size() - i), &code_point);
    if (length <= 0) {
      visit(text.substr(i, 1), 1);
      ++i;
      continue;
    }
    visit(text.substr(i, static_cast<std::size_t>(length)),
          static_cast<std::size_t>(std::max(0, utf8proc_charwidth(code_point))));
    i += static_cast<std::size_t>(length);
  }
}

/// Blanks for the caret line: a tab stays a tab, every other character takes its display width.
std::string caret_padding(std::string_view prefix) {
  std::string padding;
  for_each_shown(prefix, [&padding](std::string_view bytes, std::size_t width) {
    padding.append(bytes == "\t" ? std::string("\t") : std::string(width, ' '));
  });
  return padding;
}

/// The span of a secret value in line `index`, or nullopt when the line holds none. A line the
/// document could not place (junk) that starts with a secret key hides everything after the key.
std::optional<Span> secret_value_span(const Document& document, std::size_t index) {
  const Line& line = document.lines()[index];
  if (line.kind == LineKind::property || line.kind == LineKind::sub_property) {
    return is_secret_key(document.key_of(index)) ? std::optional<Span>(line.value) : std::nullopt;
  }
  if (line.kind == LineKind::continuation) {
    // Part of the value of the nearest property above it.
    for (std::size_t i = index; i-- > 0;) {
      LineKind kind = document.lines()[i].kind;
      if (kind == LineKind::property || kind == LineKind::sub_property) {
        return is_secret_key(document.key_of(i)) ? std::optional<Span>(line.value) : std::nullopt;
      }
      if (kind == LineKind::section) break;
    }
    return std::nullopt;
  }
  if (line.kind == LineKind::junk) {
    std::string_view text = document.line_text(index);
    std::size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) return std::nullopt;
    std::size_t key_end = text.find_first_of(" \t=:", start);
    if (key_end == std::string_view::npos) key_end = text.size();
    if (!is_secret_key(text.substr(start, key_end - start))) return std::nullopt;
    std::size_t value_begin = text.find_first_not_of(" \t=:", key_end);
    if (value_begin == std::string_view::npos) return std::nullopt;
    return Span{static_cast<std::uint32_t>(value_begin), static_cast<std::uint32_t>(text.size())};
  }
  return std::nullopt;
}

}  // namespace

void Table::print_aligned(std::ostream& out, bool colour, std::size_t indent) const {
  if (rows_.empty()) return;
  std::vector<std::size_t> widths;
  auto measure = [&widths](const std::vector<std::string>& cells) {
    widths.resize(std::max(widths.size(), cells.size()), 0);
    for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], display_width(cells[i]));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto print_row = [&](const std::vector<std::string>& cells, bool header) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      line += cells[i];
      if (i + 1 < cells.size()) line.append(widths[i] - display_width(cells[i]), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << std::string(indent, ' ') << (header ? styled(line, Style::bold, colour) : line) << '\n';
  };
  if (!header_.empty()) print_row(header_, true);
  for (const auto& row : rows_) print_row(row, false);
}

void Table::print_tab_separated(std::ostream& out) const {
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i > 0 ? "\t" : "") << row[i];
    out << '\n';
  }
}

void Table::print(std::ostream& out, OutputFormat format, bool colour) const {
  if (format == OutputFormat::table) {
    print_aligned(out, colour);
  } else {
    print_tab_separated(out);
  }
}

void print_json(std::ostream& out, const nlohmann::ordered_json& value) {
  out << value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void append_json_string(std::string& out, std::string_view text) {
  // Printable ASCII but '"' and '\\' is written as it is; one table load a byte, since list
  // writes three strings for each of thousands of profiles.
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7F; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();
  const bool plain =
      std::all_of(text.begin(), text.end(), [](char c) { return kPlain[static_cast<unsigned char>(c)]; });
  if (!plain) {  // escapes, control and non-ASCII characters: nlohmann-json's own rules
    out += nlohmann::ordered_json(std::string(text))
               .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for_each_shown(text, [&width](std::string_view, std::size_t shown) { width += shown; });
  return width;
}

std::string align_right(std::string_view text, std::size_t width) {
  const std::size_t shown = display_width(text);
  return std::string(shown < width ? width - shown : 0, ' ') + std::string(text);
}

std::string styled(std::string_view text, Style style, bool colour) {
  if (!colour) return std::string(text);
  static constexpr std::array<const char*, 5> kCodes = {"1", "1;31", "1;35", "1;36", "1;32"};
  return std::string("\033[") + kCodes[static_cast<std::size_t>(style)] + "m" + std::string(text) + "\033[0m";
}

void print_error(std::ostream& out, std::string_view program, std::string_view message, bool colour) {
  out << program << ": " << styled("error:", Style::red, colour) << ' ' << message << '\n';
}

void print_warning(std::ostream& out, std::string_view program, std::string_view message, bool colour) {
  out << program << ": " << styled("warning:", Style::magenta, colour) << ' ' << message << '\n';
}

SourceLine masked_source_line(const Document& document, int line_number, int column) {
  if (line_number < 1 || static_cast<std::size_t>(line_number) > document.lines().size()) return {};
  std::size_t index = static_cast<std::size_t>(line_number) - 1;
  SourceLine result{std::string(document.line_text(index)), column};
  std::optional<Span> secret = secret_value_span(document, index);
  if (!secret || secret->empty()) return result;
  std::string masked =
      mask_secret(std::string_view(result.text).substr(secret->begin, secret->end - secret->begin));
  int old_length = static_cast<int>(secret->end - secret->begin);
  result.text.replace(secret->begin, old_length, masked);
  int begin_column = static_cast<int>(secret->begin) + 1;
  if (column > begin_column + old_length - 1) {
    result.column = column + static_cast<int>(masked.size()) - old_length;
  } else if (column > begin_column) {
    result.column = begin_column;
  }
  return result;
}

void print_diagnostic(std::ostream& out, const Diagnostic& diagnostic, const Document* document,
                      bool colour) {
  std::string first = format_diagnostic_line(diagnostic);
  std::string severity = std::string(" ") + to_string(diagnostic.severity) + ":";
  std::size_t at = first.find(severity, diagnostic.path.size());
  if (colour && at != std::string::npos) {
    Style style = diagnostic.severity == Severity::error     ? Style::red
                  : diagnostic.severity == Severity::warning ? Style::magenta
                                                             : Style::cyan;
    first = styled(first.substr(0, at), Style::bold, true) + " " + styled(severity.substr(1), style, true) +
            first.substr(at + severity.size());
  }
  out << first << '\n';
  if (document == nullptr || diagnostic.line < 1 ||
      static_cast<std::size_t>(diagnostic.line) > document->lines().size()) {
    return;
  }
  SourceLine source = masked_source_line(*document, diagnostic.line, diagnostic.column);
  out << source.text << '\n';
  if (source.column < 1) return;
  std::size_t prefix = std::min(source.text.size(), static_cast<std::size_t>(source.column - 1));
  out << caret_padding(std::string_view(source.text).substr(0, prefix)) << styled("^", Style::green, colour)
      << '\n';
}

}  // namespace awsprof::tool
