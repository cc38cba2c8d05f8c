// What the OAuth flows (sso login, the aws login session) need from the system's CSPRNG and
// base64url: PKCE verifiers, state values, DPoP proof ids.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace awsprof::detail {

/// RFC 4648 section 5 base64url, without padding.
std::string base64url(std::string_view bytes);

/// `count` characters drawn uniformly from `alphabet` (OpenSSL RAND_bytes); nullopt when it fails.
std::optional<std::string> random_text(std::string_view alphabet, std::size_t count);

/// A random (version 4) UUID, as Python's str(uuid.uuid4()); nullopt when the CSPRNG fails.
std::optional<std::string> random_uuid();

}  // namespace awsprof::detail
