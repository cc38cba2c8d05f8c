// Running a helper program (git) and capturing its output. Internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awsprof/support/result.hpp"

namespace awsprof::detail {

struct ProcessOutput {
  int exit_code = 0;  ///< The exit status, or 128+signal.
  std::string out;    ///< Everything written to stdout.
  std::string err;    ///< Everything written to stderr.
};

/// Runs argv[0] (searched in PATH) in `cwd` (empty: the current directory), feeding `input` to
/// its stdin from a second thread so large inputs and outputs cannot deadlock. Fails only when
/// the program cannot be started.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv, std::string_view input = {},
                                  const std::string& cwd = {});

}  // namespace awsprof::detail
