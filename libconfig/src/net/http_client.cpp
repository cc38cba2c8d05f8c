#include "awsprof/net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <mutex>

#include "text_util.hpp"

namespace awsprof {
namespace {

using detail::ascii_lowercase;
using detail::iequals;

bool is_control_or_space(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

std::string_view trim_http_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool has_header(const HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

// Replaces every occurrence of `secret` in `text` with "****" (error texts must never echo one).
void scrub(std::string& text, std::string_view secret) {
  if (secret.size() < 4) return;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4))
    text.replace(at, secret.size(), "****");
}

// "user:password" of "scheme://user:password@host:port", or "".
std::string_view user_info(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) url.remove_prefix(scheme_end + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  auto at = url.rfind('@');
  return at == std::string_view::npos ? std::string_view() : url.substr(0, at);
}

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using Clock = std::chrono::steady_clock;

struct Transfer {
  HttpResponse response;
  std::size_t max_body = 0;
  bool body_too_large = false;
  // Read timeout: the time since the connection was made or a byte last moved either way.
  CURL* curl = nullptr;
  std::chrono::milliseconds read_timeout{0};
  Clock::time_point last_activity = Clock::now();
  curl_off_t last_up = 0;
  curl_off_t last_down = 0;
  bool read_timed_out = false;
};

// libcurl calls this at least once a second while a transfer runs. CURLOPT_LOW_SPEED_TIME would be
// simpler, but libcurl averages speed over a ~5 s window, so after an upload it fires seconds late.
int on_progress(void* user, curl_off_t /*dltotal*/, curl_off_t dlnow, curl_off_t /*ultotal*/,
                curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  const auto now = Clock::now();
  curl_off_t connected_at = 0;  // microseconds; 0 while still connecting (the connect timeout's job)
  curl_easy_getinfo(t->curl, CURLINFO_PRETRANSFER_TIME_T, &connected_at);
  if (connected_at == 0 || dlnow != t->last_down || ulnow != t->last_up) {
    t->last_down = dlnow;
    t->last_up = ulnow;
    t->last_activity = now;
    return 0;
  }
  if (now - t->last_activity >= t->read_timeout) {
    t->read_timed_out = true;
    return 1;  // aborts the transfer with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->response.body.size() + n > t->max_body) {
    t->body_too_large = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  auto& headers = t->response.headers;
  if (line.starts_with("HTTP/")) {
    headers.clear();  // a new response: after "100 Continue" or a proxy's CONNECT reply
  } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!headers.empty()) {  // obs-fold: a continuation of the previous value
      auto more = trim_http_whitespace(line);
      if (!more.empty()) (headers.back().second += ' ') += more;
    }
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    headers.emplace_back(std::string(trim_http_whitespace(line.substr(0, colon))),
                         std::string(trim_http_whitespace(line.substr(colon + 1))));
  }
  return n;
}

}  // namespace

std::string Url::authority() const {
  return default_port() ? host : host + ":" + std::to_string(port);
}

std::string Url::origin() const {
  return scheme + "://" + authority();
}

Result<Url> parse_url(std::string_view text) {
  auto fail = [&](std::string_view why) {
    std::string shown(text);  // never echo a password given as "user:password@"
    scrub(shown, user_info(text));
    return Result<Url>::error("invalid URL \"" + shown + "\": " + std::string(why));
  };
  if (std::any_of(text.begin(), text.end(), is_control_or_space))
    return fail("it contains a space or a control character");
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail("expected http:// or https://");
  Url url;
  url.scheme = ascii_lowercase(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return fail("the scheme must be http or https");
  std::string_view rest = text.substr(scheme_end + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return fail("user information is not allowed");

  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 address");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host == "[]") return fail("the host is empty");
  url.host = ascii_lowercase(host);
  url.port = url.scheme == "https" ? 443 : 80;
  if (authority.size() > host.size()) {  // a ':' was present
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
      return fail("the port must be a number from 1 to 65535");
    url.port = value;
  }
  auto question = rest.find('?');
  url.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) url.query = std::string(rest.substr(question + 1));
  return url;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

ProxySettings proxy_settings_from_environment(const EnvLookup& env) {
  // Python's urllib.request.getproxies_environment(): a lowercase variable wins, and an empty
  // lowercase value removes the uppercase one.
  auto lookup = [&](const char* lower, const char* upper, bool allow_upper) -> std::string {
    if (auto value = env(lower)) return *value;
    if (allow_upper) {
      if (auto value = env(upper)) return *value;
    }
    return {};
  };
  ProxySettings settings;
  const bool cgi = env("REQUEST_METHOD").has_value();
  settings.http_proxy = lookup("http_proxy", "HTTP_PROXY", !cgi);
  settings.https_proxy = lookup("https_proxy", "HTTPS_PROXY", true);
  settings.no_proxy = lookup("no_proxy", "NO_PROXY", true);
  return settings;
}

struct HttpClient::Impl {
  CURL* curl = nullptr;
  ProxySettings proxy;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->curl = curl_easy_init();
  impl_->proxy = options_.proxy ? *options_.proxy : proxy_settings_from_environment(process_environment());
}

HttpClient::~HttpClient() {
  if (impl_ && impl_->curl) curl_easy_cleanup(impl_->curl);
}

Result<HttpResponse> HttpClient::send(std::string_view origin, const HttpRequest& request) {
  CURL* curl = impl_->curl;
  if (curl == nullptr) return Result<HttpResponse>::error("libcurl could not be initialised");
  // Keeps the connection cache (and so keep-alive), drops every option of the previous request.
  curl_easy_reset(curl);

  // A line break in the target or a header would let a value smuggle in headers of its own.
  auto breaks_lines = [](std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
  };
  if (request.method.empty() || breaks_lines(request.method) || request.method.find(' ') != std::string::npos)
    return Result<HttpResponse>::error("invalid HTTP method \"" + request.method + "\"");
  if (breaks_lines(origin) || std::any_of(request.path.begin(), request.path.end(), is_control_or_space))
    return Result<HttpResponse>::error("the request target holds a space or a control character");
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || breaks_lines(name) || name.find(':') != std::string::npos || breaks_lines(value))
      return Result<HttpResponse>::error("header \"" + (breaks_lines(name) ? std::string("?") : name) +
                                         "\" holds a line break, a colon in its name, or no name");
  }

  std::optional<std::chrono::milliseconds> time_left;
  if (request.deadline) {
    time_left = std::chrono::ceil<std::chrono::milliseconds>(*request.deadline - Clock::now());
    if (time_left->count() <= 0)
      return Result<HttpResponse>::error(request.method + " " + std::string(origin) +
                                         ": not sent: the deadline has passed");
  }

  const std::string url = std::string(origin) + (request.path.empty() ? "/" : request.path);
  const bool https = ascii_lowercase(origin.substr(0, 8)) == "https://";
  const std::string& proxy = https ? impl_->proxy.https_proxy : impl_->proxy.http_proxy;
  Transfer transfer;
  transfer.max_body = options_.max_response_bytes;
  impl_->error_buffer[0] = '\0';

  // Nothing on stdout or stderr: no progress meter, no verbose trace, our own write callbacks.
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl_->error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);

  const long verify = options_.verify_tls ? 1L : 0L;
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY_SSL_VERIFYPEER, verify);
  curl_easy_setopt(curl, CURLOPT_PROXY_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    curl_easy_setopt(curl, CURLOPT_PROXY_CAINFO, options_.ca_bundle.c_str());
  }

  // Always set both, so libcurl never reads the environment itself: "" means no proxy, and an empty
  // no-proxy list means the proxy applies to every host.
  curl_easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, impl_->proxy.no_proxy.c_str());

  if (options_.connect_timeout.count() > 0)
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  // The whole exchange, the connection included (libcurl connects within the smaller of the two).
  if (time_left) curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(time_left->count()));
  if (options_.read_timeout.count() > 0) {
    transfer.curl = curl;
    transfer.read_timeout = options_.read_timeout;
    // A progress callback, so libcurl never draws its own meter; NOPROGRESS 0 turns the callback on.
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }

  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
    } else {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    // POST, PUT and PATCH always carry a Content-Length (0 when empty), as Python's http.client
    // sends it; the EC2 metadata token PUT is one such request.
    if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH" ||
        !request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  }

  // The request's headers, exactly. "Name:" removes a header libcurl would add on its own, and
  // "Name;" sends an empty value.
  curl_slist* header_list = nullptr;
  auto add_header = [&](const std::string& line) {
    if (curl_slist* next = curl_slist_append(header_list, line.c_str())) header_list = next;
  };
  for (const auto& [name, value] : request.headers)
    add_header(value.empty() ? name + ";" : name + ": " + value);
  for (const char* name : {"Accept", "Expect", "Content-Type"})
    if (!has_header(request, name)) add_header(std::string(name) + ":");
  if (!has_header(request, "User-Agent") && !options_.user_agent.empty())
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);

  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(header_list);

  if (code != CURLE_OK) {
    std::string detail = impl_->error_buffer[0] != '\0' ? impl_->error_buffer : curl_easy_strerror(code);
    if (transfer.body_too_large)
      detail = "the response body is larger than " + std::to_string(options_.max_response_bytes) + " bytes";
    else if (transfer.read_timed_out)
      detail = "read timeout: no data for " + std::to_string(options_.read_timeout.count()) + " ms";
    else if (code == CURLE_OPERATION_TIMEDOUT && request.deadline &&
             *request.deadline - Clock::now() < kDeadlineResolution)
      detail = "no answer in the " + std::to_string(time_left->count()) + " ms left before the deadline";
    for (const auto& [name, value] : request.headers)
      if (iequals(name, "authorization") || iequals(name, "x-amz-security-token")) scrub(detail, value);
    scrub(detail, user_info(impl_->proxy.http_proxy));
    scrub(detail, user_info(impl_->proxy.https_proxy));
    std::string shown_origin(origin);
    scrub(shown_origin, user_info(origin));
    return Result<HttpResponse>::error(request.method + " " + shown_origin + ": " + detail);
  }

  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  transfer.response.status = static_cast<int>(status);
  transfer.response.new_connections = connects;
  return std::move(transfer.response);
}

}  // namespace awsprof
