// `awsprof sso populate`: the command line over list_sso_assignments() and populate_profiles().
#pragma once

namespace awsprof::tool {

/// Runs `awsprof sso populate ARGS`; argv[0] names the command. Returns the exit status.
int sso_populate_main(int argc, const char* const* argv);

}  // namespace awsprof::tool
