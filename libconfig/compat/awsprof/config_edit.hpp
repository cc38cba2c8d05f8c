// Deprecated: this header moved to <awsprof/edit/config_edit.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/edit/config_edit.hpp"
