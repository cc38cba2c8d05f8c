// The tools' shared formatting (tools/common/format.hpp) and colour decision (tool.hpp).
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "common/format.hpp"
#include "common/tool.hpp"

namespace awsprof::tool {
namespace tool_format_test {

TEST(DisplayWidth, CountsWhatATerminalShows) {
  EXPECT_EQ(display_width("region"), 6u);
  EXPECT_EQ(display_width(styled("ok", Style::green, true)), 2u);  // escape codes take no column
  EXPECT_EQ(display_width("\xE6\x97\xA5\xE6\x9C\xAC"), 4u);        // 日本: two wide characters
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);                       // e + combining acute accent
  EXPECT_EQ(display_width("caf\xC3\xA9"), 4u);                     // café, precomposed
}

TEST(Table, AlignsColouredAndWideCellsByWhatIsShown) {
  Table table({"PROFILE", "STATUS", "TIME"});
  table.add_row({"dev", styled("ok", Style::green, true), "1 ms"});
  table.add_row({"\xE6\x97\xA5\xE6\x9C\xAC", styled("AccessDenied", Style::red, true), "2 ms"});
  table.add_row({"e\xCC\x81t\xC3\xA9", "x", "3 ms"});
  std::ostringstream out;
  table.print_aligned(out, false);
  const std::string green = "\033[1;32m", red = "\033[1;31m", reset = "\033[0m";
  EXPECT_EQ(out.str(),
            "PROFILE  STATUS        TIME\n"
            "dev      " +
                green + "ok" + reset +
                "            1 ms\n"
                "\xE6\x97\xA5\xE6\x9C\xAC     " +
                red + "AccessDenied" + reset +
                "  2 ms\n"
                "e\xCC\x81t\xC3\xA9      x             3 ms\n");
}

TEST(AlignRight, PadsByDisplayWidthAndNeverCuts) {
  EXPECT_EQ(align_right("dev", 6), "   dev");
  EXPECT_EQ(align_right("\xE6\x97\xA5\xE6\x9C\xAC", 6), "  \xE6\x97\xA5\xE6\x9C\xAC");  // 4 columns
  EXPECT_EQ(align_right("caf\xC3\xA9", 6), "  caf\xC3\xA9");
  EXPECT_EQ(align_right("a-long-value", 4), "a-long-value");
}

TEST(Diagnostics, CaretSitsUnderTheColumnAsShown) {
  Document document = Document::parse("[default]\nregion = \xE6\x97\xA5\xE6\x9C\xAC-x\n");
  Diagnostic diagnostic{"config", 2, 16, Severity::error, "validate.invalid-region", "bad"};
  std::ostringstream out;
  print_diagnostic(out, diagnostic, &document, false);
  // "region = " is 9 columns, the two wide characters 4: the '-' at byte 16 is column 14.
  EXPECT_EQ(out.str(),
            "config:2:16: error: bad [validate.invalid-region]\nregion = \xE6\x97\xA5\xE6\x9C\xAC-x\n" +
                std::string(13, ' ') + "^\n");
}

class Terminal {
 public:
  Terminal() { EXPECT_EQ(::openpty(&controller_, &device_, nullptr, nullptr, nullptr), 0); }
  ~Terminal() {
    ::close(controller_);
    ::close(device_);
  }
  int fd() const { return device_; }

 private:
  int controller_ = -1, device_ = -1;
};

EnvLookup environment(std::map<std::string, std::string> variables) {
  return [variables](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(ColourEnabled, OnlyOnATerminalThatIsNotDumbAndWithoutNoColor) {
  Terminal terminal;
  EXPECT_TRUE(colour_enabled(terminal.fd(), environment({{"TERM", "xterm-256color"}})));
  EXPECT_FALSE(colour_enabled(terminal.fd(), environment({{"TERM", "dumb"}})));
  EXPECT_FALSE(colour_enabled(terminal.fd(), environment({{"TERM", "xterm"}, {"NO_COLOR", "1"}})));
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  EXPECT_FALSE(colour_enabled(pipe_fds[1], environment({{"TERM", "xterm"}})));
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

}  // namespace tool_format_test
}  // namespace awsprof::tool
