// Deprecated: this header moved to <awsprof/checks/secret_scan.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/checks/secret_scan.hpp"
