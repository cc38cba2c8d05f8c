// Unified diffs of two versions of a document, for previews such as `awsprof set --dry-run`.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "awsprof/syntax/document.hpp"

namespace awsprof {

/// Which side of a diff a line comes from.
enum class DiffSide { before, after };

/// The text shown for one line (its content without the line ending, 0-based index into its
/// document's lines()), e.g. with a secret value masked. Unset: the content as it is.
using DiffLineDisplay =
    std::function<std::string(DiffSide side, std::size_t index, std::string_view content)>;

/// The `diff -u` text that turns `before` into `after`: "--- before_label", "+++ after_label",
/// then "@@ -l,n +l,n @@" hunks with `context` unchanged lines around each change. Lines are
/// compared with their line endings, so a changed ending is a change; a CRLF line is printed with
/// its "\r\n", and a last line without one is followed by "\ No newline at end of file".
/// Returns "" when the two texts are equal. Computed with dtl (Debian libdtl-dev).
std::string unified_diff(const Document& before, const Document& after, std::string_view before_label,
                         std::string_view after_label, const DiffLineDisplay& display = {}, int context = 3);

}  // namespace awsprof
