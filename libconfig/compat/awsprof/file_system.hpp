// Deprecated: this header moved to <awsprof/platform/file_system.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/platform/file_system.hpp"
