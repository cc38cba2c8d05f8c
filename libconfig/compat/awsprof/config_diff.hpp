// Deprecated: this header moved to <awsprof/checks/config_diff.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/checks/config_diff.hpp"
