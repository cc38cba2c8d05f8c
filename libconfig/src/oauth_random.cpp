// base64url and random values for the OAuth flows.
#include "oauth_random.hpp"

#include <openssl/rand.h>

#include <array>

namespace awsprof::detail {

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    unsigned value = static_cast<unsigned>(data[i]) << 16;
    if (i + 1 < size) value |= static_cast<unsigned>(data[i + 1]) << 8;
    if (i + 2 < size) value |= data[i + 2];
    out += kAlphabet[(value >> 18) & 63];
    out += kAlphabet[(value >> 12) & 63];
    if (i + 1 < size) out += kAlphabet[(value >> 6) & 63];
    if (i + 2 < size) out += kAlphabet[value & 63];
  }
  return out;
}

std::optional<std::string> random_text(std::string_view alphabet, std::size_t count) {
  std::string out;
  const unsigned limit = 256 - 256 % alphabet.size();  // rejection sampling keeps it uniform
  while (out.size() < count) {
    std::array<unsigned char, 64> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return std::nullopt;
    for (unsigned char b : bytes)
      if (b < limit && out.size() < count) out += alphabet[b % alphabet.size()];
  }
  return out;
}

std::optional<std::string> random_uuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return std::nullopt;
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

}  // namespace awsprof::detail
