// Deprecated: this header moved to <awsprof/model/settings_catalogue.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/model/settings_catalogue.hpp"
