// Deprecated: this header moved to <awsprof/edit/credential_import.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/edit/credential_import.hpp"
