#include "awsprof/support/secrets.hpp"

#include "text_util.hpp"

namespace awsprof {

bool is_secret_key(std::string_view key) {
  return detail::iequals(key, "aws_secret_access_key") || detail::iequals(key, "aws_session_token") ||
         detail::iequals(key, "aws_security_token");
}

std::string mask_secret(std::string_view value) {
  std::string masked(16, '*');
  masked += value.size() <= 4 ? value : value.substr(value.size() - 4);
  return masked;
}

}  // namespace awsprof
