#include "awsprof/net/sigv4.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <tuple>

#include "text_util.hpp"

namespace awsprof {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kHexDigits = "0123456789abcdef";

using Digest = std::array<unsigned char, 32>;

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHexDigits[data[i] >> 4];
    out += kHexDigits[data[i] & 0x0f];
  }
  return out;
}

bool hmac_sha256(std::string_view key, std::string_view data, Digest& out) {
  unsigned int length = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  return ok != nullptr && length == out.size();
}

std::string_view as_view(const Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_escape(std::string& out, unsigned char c) {
  static constexpr std::string_view kUpperHex = "0123456789ABCDEF";
  out += '%';
  out += kUpperHex[c >> 4];
  out += kUpperHex[c & 0x0f];
}

/// RFC 3986 percent-encoding of every byte but the unreserved ones (and '/' when keep_slash).
std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      append_escape(out, c);
    }
  }
  return out;
}

/// Decodes %XX escapes; a '%' not followed by two hex digits stays literal.
std::string uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/// Encodes a path once: keeps valid %XX escapes (hex uppercased), unreserved bytes and '/'.
std::string uri_encode_path_once(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      append_escape(out, static_cast<unsigned char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (is_unreserved(c) || c == '/') {
      out += s[i];
    } else {
      append_escape(out, c);
    }
  }
  return out;
}

/// RFC 3986 remove_dot_segments, plus collapsing of empty segments ("//").
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    const std::string_view segment = path.substr(pos, next - pos);
    const bool last = next == path.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = last;
    } else if (segment == ".") {
      trailing_slash = last;
    } else if (segment.empty()) {
      trailing_slash = last ? true : trailing_slash;
    } else {
      segments.push_back(segment);
      trailing_slash = false;
    }
    pos = next + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (!segments.empty() && trailing_slash) out += '/';
  return out;
}

std::string canonical_uri(std::string_view path, const SigningParams& params) {
  std::string p = path.empty() ? std::string("/") : std::string(path);
  if (params.normalize_path) p = normalize_path(p);
  return params.double_url_encode ? uri_encode(p, /*keep_slash=*/true) : uri_encode_path_once(p);
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// Splits a raw query into its parameters, each re-encoded in canonical form.
QueryParams canonical_query_params(std::string_view query) {
  QueryParams out;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t next = query.find('&', pos);
    if (next == std::string_view::npos) next = query.size();
    const std::string_view item = query.substr(pos, next - pos);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      out.emplace_back(uri_encode(uri_decode(key), false), uri_encode(uri_decode(value), false));
    }
    pos = next + 1;
  }
  return out;
}

std::string join_query(QueryParams params, bool sort) {
  if (sort) std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/// Trims a header value and folds each run of whitespace (obs-fold line breaks included) to one space.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("\"(),/:;<=>?@[\\]{}").find(c) == std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

/// Headers never signed: they change in transit or carry the signature itself.
bool is_unsigned_header(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 13> kUnsigned = {"authorization",
                                                                 "connection",
                                                                 "expect",
                                                                 "keep-alive",
                                                                 "proxy-authenticate",
                                                                 "proxy-authorization",
                                                                 "proxy-connection",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "user-agent",
                                                                 "x-amzn-trace-id"};
  return std::find(kUnsigned.begin(), kUnsigned.end(), lower_name) != kUnsigned.end();
}

/// Sets the first header named `name` (any case) to `value` and drops later ones; else appends.
void set_header(HttpRequest& request, std::string_view name, std::string value) {
  auto& headers = request.headers;
  auto it = std::find_if(headers.begin(), headers.end(),
                         [&](const auto& h) { return detail::iequals(h.first, name); });
  if (it == headers.end()) {
    headers.emplace_back(std::string(name), std::move(value));
    return;
  }
  it->second = std::move(value);
  headers.erase(std::remove_if(std::next(it), headers.end(),
                               [&](const auto& h) { return detail::iequals(h.first, name); }),
                headers.end());
}

std::string credential_scope(const SigningParams& params) {
  return amz_date(params.time).substr(0, 8) + "/" + params.region + "/" + params.service + "/aws4_request";
}

Status validate(const HttpRequest& request, const Credentials& credentials, const SigningParams& params) {
  if (credentials.access_key_id.empty()) return Status::error("sigv4: the access key id is empty");
  if (credentials.secret_access_key.empty()) return Status::error("sigv4: the secret access key is empty");
  const auto bad_scope_part = [](std::string_view s) {
    return s.empty() || std::any_of(s.begin(), s.end(), [](char c) { return c == '/' || is_space(c); });
  };
  if (bad_scope_part(params.region)) return Status::error("sigv4: invalid region '" + params.region + "'");
  if (bad_scope_part(params.service)) return Status::error("sigv4: invalid service '" + params.service + "'");
  if (!is_token(request.method)) return Status::error("sigv4: invalid method '" + request.method + "'");
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return Status::error("sigv4: invalid header name '" + name + "'");
  }
  const auto days = std::chrono::floor<std::chrono::days>(params.time);
  const std::chrono::year_month_day ymd{days};
  if (ymd.year() < std::chrono::year{1970} || ymd.year() > std::chrono::year{9999}) {
    return Status::error("sigv4: the signing time is outside years 1970-9999");
  }
  if (params.location == SignatureLocation::query && params.expires.count() <= 0) {
    return Status::error("sigv4: X-Amz-Expires must be positive");
  }
  return Status();
}

/// Canonical headers block ("name:value\n" each) and the signed header list ("a;b;c").
std::pair<std::string, std::string> canonical_headers(const HttpRequest& request, bool skip_token) {
  std::map<std::string, std::string> merged;  // sorted by lowercase name
  for (const auto& [name, value] : request.headers) {
    std::string lower = detail::ascii_lowercase(name);
    if (is_unsigned_header(lower)) continue;
    if (skip_token && lower == "x-amz-security-token") continue;
    auto [it, inserted] = merged.try_emplace(std::move(lower), canonical_header_value(value));
    if (!inserted) {
      it->second += ',';
      it->second += canonical_header_value(value);
    }
  }
  std::string block;
  std::string names;
  for (const auto& [name, value] : merged) {
    block += name + ':' + value + '\n';
    if (!names.empty()) names += ';';
    names += name;
  }
  return {block, names};
}

Result<HttpRequest> sign_at(const HttpRequest& request, const Credentials& credentials, SigningParams params,
                            SignatureLocation location) {
  params.location = location;
  auto result = sign(request, credentials, params);
  if (!result) return Result<HttpRequest>::error(result.message());
  return std::move(result->request);
}

}  // namespace

std::string hex_sha256(std::string_view data) {
  Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    return {};
  }
  return to_hex(digest.data(), digest.size());
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(time);
  const auto days = floor<std::chrono::days>(secs);
  const year_month_day ymd{days};
  const hh_mm_ss hms{secs - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text) {
  using Time = std::chrono::system_clock::time_point;
  const auto fail = [&] {
    return Result<Time>::error("invalid UTC time '" + std::string(text) +
                               "' (expected 20150830T123600Z or 2015-08-30T12:36:00Z)");
  };
  // Each pattern character: 'd' a digit, anything else itself.
  const bool extended = text.size() == 20;
  const std::string_view pattern = extended ? "dddd-dd-ddTdd:dd:ddZ" : "ddddddddTddddddZ";
  if (text.size() != pattern.size()) return fail();
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (pattern[i] == 'd') {
      if (text[i] < '0' || text[i] > '9') return fail();
      digits += text[i];
    } else if (text[i] != pattern[i]) {
      return fail();
    }
  }
  const auto num = [&](std::size_t pos, std::size_t len) { return std::stoi(digits.substr(pos, len)); };
  const std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(num(4, 2))},
                                        std::chrono::day{static_cast<unsigned>(num(6, 2))}};
  const int hour = num(8, 2), minute = num(10, 2), second = num(12, 2);
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return fail();
  return Time{std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
              std::chrono::seconds{second}};
}

std::string string_to_sign(std::string_view canonical_request, const SigningParams& params) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date(params.time);
  out += '\n';
  out += credential_scope(params);
  out += '\n';
  out += hex_sha256(canonical_request);
  return out;
}

std::string signature(std::string_view string_to_sign, std::string_view secret_access_key,
                      const SigningParams& params) {
  std::string secret = "AWS4";
  secret += secret_access_key;
  Digest k_date{}, k_region{}, k_service{}, k_signing{}, result{};
  const bool ok = hmac_sha256(secret, amz_date(params.time).substr(0, 8), k_date) &&
                  hmac_sha256(as_view(k_date), params.region, k_region) &&
                  hmac_sha256(as_view(k_region), params.service, k_service) &&
                  hmac_sha256(as_view(k_service), "aws4_request", k_signing) &&
                  hmac_sha256(as_view(k_signing), string_to_sign, result);
  OPENSSL_cleanse(secret.data(), secret.size());
  for (Digest* key : {&k_date, &k_region, &k_service, &k_signing}) OPENSSL_cleanse(key->data(), key->size());
  return ok ? to_hex(result.data(), result.size()) : std::string();
}

Result<SigningResult> sign(const HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params) {
  if (Status status = validate(request, credentials, params); !status) {
    return Result<SigningResult>::error(status.message());
  }
  const std::string date = amz_date(params.time);
  const std::string scope = credential_scope(params);
  const bool has_token = !credentials.session_token.empty();
  const std::string payload_hash =
      params.payload_hash.empty() ? hex_sha256(request.body) : params.payload_hash;

  SigningResult out;
  out.request = request;
  HttpRequest& signed_request = out.request;

  const std::size_t question = request.path.find('?');
  const std::string_view path = std::string_view(request.path).substr(0, question);
  const std::string_view query = question == std::string::npos
                                     ? std::string_view()
                                     : std::string_view(request.path).substr(question + 1);

  std::string creq_query;
  std::string signed_headers;
  std::string headers_block;
  QueryParams added;  // query mode: the X-Amz-* parameters before X-Amz-Signature, in URL order
  if (params.location == SignatureLocation::headers) {
    if (has_token) set_header(signed_request, "X-Amz-Security-Token", credentials.session_token);
    set_header(signed_request, "X-Amz-Date", date);
    if (params.sign_body) set_header(signed_request, "x-amz-content-sha256", payload_hash);
    std::tie(headers_block, signed_headers) =
        canonical_headers(signed_request, /*skip_token=*/params.omit_session_token);
    creq_query = join_query(canonical_query_params(query), /*sort=*/true);
  } else {
    std::tie(headers_block, signed_headers) = canonical_headers(request, /*skip_token=*/false);
    added = {{"X-Amz-Algorithm", std::string(kAlgorithm)},
             {"X-Amz-Credential", uri_encode(credentials.access_key_id + "/" + scope, false)},
             {"X-Amz-Date", date},
             {"X-Amz-SignedHeaders", uri_encode(signed_headers, false)},
             {"X-Amz-Expires", std::to_string(params.expires.count())}};
    QueryParams all = canonical_query_params(query);
    all.insert(all.end(), added.begin(), added.end());
    if (has_token) {
      std::pair<std::string, std::string> token{"X-Amz-Security-Token",
                                                uri_encode(credentials.session_token, false)};
      if (!params.omit_session_token) all.push_back(token);
      added.push_back(std::move(token));
    }
    creq_query = join_query(std::move(all), /*sort=*/true);
  }

  out.canonical_request = request.method + '\n' + canonical_uri(path, params) + '\n' + creq_query + '\n' +
                          headers_block + '\n' + signed_headers + '\n' + payload_hash;
  out.string_to_sign = string_to_sign(out.canonical_request, params);
  out.signature = signature(out.string_to_sign, credentials.secret_access_key, params);
  if (out.signature.empty())
    return Result<SigningResult>::error("sigv4: libcrypto failed to compute HMAC-SHA256");

  if (params.location == SignatureLocation::headers) {
    set_header(signed_request, "Authorization",
               std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
                   ", SignedHeaders=" + signed_headers + ", Signature=" + out.signature);
  } else {
    added.emplace_back("X-Amz-Signature", out.signature);
    std::string& target = signed_request.path;
    if (question == std::string::npos) {
      target += '?';
    } else if (!query.empty() && target.back() != '&') {
      target += '&';
    }
    target += join_query(std::move(added), /*sort=*/false);
  }
  return out;
}

Result<HttpRequest> sign_headers(const HttpRequest& request, const Credentials& credentials,
                                 SigningParams params) {
  return sign_at(request, credentials, std::move(params), SignatureLocation::headers);
}

Result<HttpRequest> sign_query(const HttpRequest& request, const Credentials& credentials,
                               SigningParams params) {
  return sign_at(request, credentials, std::move(params), SignatureLocation::query);
}

Result<HttpRequest> parse_http_request(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  std::string_view body;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    if (line.empty() && !lines.empty()) {
      body = text.substr(pos);
      break;
    }
    lines.push_back(line);
  }
  if (lines.empty() || lines[0].empty()) return Result<HttpRequest>::error("http: empty request line");

  HttpRequest request;
  std::string_view start = lines[0];
  const std::size_t space = start.find(' ');
  if (space == std::string_view::npos || space == 0) {
    return Result<HttpRequest>::error("http: line 1: expected 'METHOD TARGET [HTTP/x.y]'");
  }
  request.method = std::string(start.substr(0, space));
  std::string_view target = start.substr(space + 1);
  if (const std::size_t v = target.rfind(" HTTP/"); v != std::string_view::npos) target = target.substr(0, v);
  if (target.empty()) return Result<HttpRequest>::error("http: line 1: missing request target");
  request.path = std::string(target);

  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.front() == ' ' || line.front() == '\t') {
      if (request.headers.empty()) {
        return Result<HttpRequest>::error("http: line " + std::to_string(i + 1) +
                                          ": continuation line before any header");
      }
      request.headers.back().second += '\n';
      request.headers.back().second += line;
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Result<HttpRequest>::error("http: line " + std::to_string(i + 1) + ": expected 'Name:value'");
    }
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  request.body = std::string(body);
  return request;
}

std::string to_http_text(const HttpRequest& request) {
  std::string out = request.method + ' ' + request.path + " HTTP/1.1\n";
  for (const auto& [name, value] : request.headers) out += name + ':' + value + '\n';
  out += '\n';
  out += request.body;
  return out;
}

}  // namespace awsprof
