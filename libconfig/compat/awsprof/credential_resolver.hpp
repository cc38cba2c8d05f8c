// Deprecated: this header moved to <awsprof/credentials/credential_resolver.hpp> when libconfig was grouped into layers.
// This forwarding header will be removed in the next release.
#pragma once

#include "awsprof/credentials/credential_resolver.hpp"
