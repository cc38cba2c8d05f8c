#include "awsprof/syntax/unified_diff.hpp"

#include <algorithm>
#include <dtl/dtl.hpp>
#include <vector>

namespace awsprof {
namespace {

std::vector<std::string> lines_with_endings(const Document& document) {
  std::vector<std::string> lines;
  lines.reserve(document.lines().size());
  for (std::size_t i = 0; i < document.lines().size(); ++i)
    lines.push_back(std::string(document.line_text(i)) + std::string(document.line_eol(i)));
  return lines;
}

/// One step of the edit script: keep, delete (from before) or add (from after), with 0-based
/// line indices into each side (the index the step has reached on the side it does not touch).
struct Step {
  char op = ' ';
  std::size_t before = 0;
  std::size_t after = 0;
};

std::vector<Step> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.compose();
  std::vector<Step> steps;
  for (const auto& [text, info] : diff.getSes().getSequence()) {
    (void)text;
    steps.push_back({info.type == dtl::SES_COMMON ? ' ' : info.type == dtl::SES_DELETE ? '-' : '+'});
  }
  // Like diff -u, each run of changes shows its deleted lines before its added ones.
  for (auto run = steps.begin(); run != steps.end();) {
    if (run->op == ' ') {
      ++run;
      continue;
    }
    auto end = std::find_if(run, steps.end(), [](const Step& s) { return s.op == ' '; });
    std::stable_partition(run, end, [](const Step& s) { return s.op == '-'; });
    run = end;
  }
  std::size_t i = 0, j = 0;
  for (Step& step : steps) {
    step.before = step.op == '+' ? i : i++;
    step.after = step.op == '-' ? j : j++;
  }
  return steps;
}

std::string range(std::size_t first, std::size_t count) {
  // diff -u: "l,n", or "l" when n is 1; an empty range names the line before it.
  std::string text = std::to_string(count == 0 ? first : first + 1);
  if (count != 1) text += "," + std::to_string(count);
  return text;
}

}  // namespace

std::string unified_diff(const Document& before, const Document& after, std::string_view before_label,
                         std::string_view after_label, const DiffLineDisplay& display, int context) {
  if (before.text() == after.text()) return "";
  const std::vector<std::string> a = lines_with_endings(before);
  const std::vector<std::string> b = lines_with_endings(after);
  const std::vector<Step> steps = edit_script(a, b);
  const std::size_t ctx = static_cast<std::size_t>(std::max(context, 0));

  auto show = [&](const Step& step) {
    const bool from_after = step.op == '+';
    const Document& doc = from_after ? after : before;
    const std::size_t index = from_after ? step.after : step.before;
    std::string_view content = doc.line_text(index);
    std::string text(1, step.op);
    text += display ? display(from_after ? DiffSide::after : DiffSide::before, index, content)
                    : std::string(content);
    std::string_view eol = doc.line_eol(index);
    if (eol.empty()) return text + "\n\\ No newline at end of file\n";
    return text + (eol == "\r\n" ? "\r\n" : "\n");
  };

  std::string out = "--- " + std::string(before_label) + "\n+++ " + std::string(after_label) + "\n";
  std::size_t k = 0;
  while (k < steps.size()) {
    if (steps[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: from ctx lines before this change to ctx lines after the last change that is no
    // more than 2*ctx unchanged lines from the one before it.
    std::size_t start = k >= ctx ? k - ctx : 0;
    std::size_t end = k;  // one past the last change
    std::size_t scan = k;
    while (scan < steps.size()) {
      if (steps[scan].op != ' ') {
        end = ++scan;
        continue;
      }
      std::size_t run = scan;
      while (run < steps.size() && steps[run].op == ' ') ++run;
      if (run == steps.size() || run - scan > 2 * ctx) break;
      scan = run;
    }
    std::size_t stop = std::min(steps.size(), end + ctx);
    std::size_t count_a = 0, count_b = 0;
    for (std::size_t s = start; s < stop; ++s) {
      if (steps[s].op != '+') ++count_a;
      if (steps[s].op != '-') ++count_b;
    }
    out += "@@ -" + range(steps[start].before, count_a) + " +" + range(steps[start].after, count_b) + " @@\n";
    for (std::size_t s = start; s < stop; ++s) out += show(steps[s]);
    k = stop;
  }
  return out;
}

}  // namespace awsprof
