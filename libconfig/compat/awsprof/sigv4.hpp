// Deprecated: this header moved to <awsprof/net/sigv4.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/net/sigv4.hpp"
