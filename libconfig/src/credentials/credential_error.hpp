// How the credentials layer's sources build the errors they return. Internal: not installed.
#pragma once

#include <string>
#include <utility>

#include "awsprof/credentials/credential_chain.hpp"

namespace awsprof::detail {

inline CredentialError make_error(std::string code, std::string message, std::string hint = {}) {
  return CredentialError{std::move(code), std::move(message), std::move(hint)};
}

}  // namespace awsprof::detail
