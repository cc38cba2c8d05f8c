// Deprecated: this header moved to <awsprof/syntax/unified_diff.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/syntax/unified_diff.hpp"
