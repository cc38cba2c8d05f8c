// Deprecated: this header moved to <awsprof/support/suggest.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/support/suggest.hpp"
