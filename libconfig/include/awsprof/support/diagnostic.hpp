// Diagnostics: what the library reports instead of printing.
#pragma once

#include <string>
#include <vector>

namespace awsprof {

enum class Severity { note, warning, error };

/// "note", "warning" or "error".
const char* to_string(Severity severity);

/// One finding about one place in one file. Line and column are 1-based; 0 means "whole file".
struct Diagnostic {
  std::string path;
  int line = 0;
  int column = 0;
  Severity severity = Severity::error;
  std::string rule_id;  ///< Stable id such as "parse.duplicate-key"; documented in docs/rules.md.
  std::string message;  ///< One sentence, never containing a secret value.
  /// The column counted in Unicode code points, when the producer knows it (the secret scan,
  /// which has no Document of the file); 0: derive it from the file's Document.
  int code_point_column = 0;
};

using Diagnostics = std::vector<Diagnostic>;

/// True when any diagnostic is an error.
bool has_errors(const Diagnostics& diagnostics);

/// "path:line:col: severity: message [rule]", the compiler-style first line of a report.
std::string format_diagnostic_line(const Diagnostic& diagnostic);

}  // namespace awsprof
