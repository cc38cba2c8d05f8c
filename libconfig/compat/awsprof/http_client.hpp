// Deprecated: this header moved to <awsprof/net/http_client.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/net/http_client.hpp"
