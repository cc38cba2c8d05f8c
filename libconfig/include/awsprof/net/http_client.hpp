// A small HTTP/1.1 client over libcurl: TLS verification on by default, a CA bundle, proxies read as
// the AWS CLI reads them, connect and read timeouts, and one reused connection per client. It never
// writes to stdout or stderr. `HttpTransport` is the seam: the STS client runs over it, and unit
// tests swap in a fake.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awsprof/platform/locations.hpp"
#include "awsprof/support/result.hpp"
#include "awsprof/net/sigv4.hpp"

namespace awsprof {

/// The parts of an absolute http(s) URL that a request needs.
struct Url {
  std::string scheme;  ///< "http" or "https", lowercased
  std::string host;    ///< lowercased; an IPv6 literal keeps its brackets ("[::1]")
  int port = 0;        ///< the explicit port, or 80 / 443 from the scheme
  std::string path;    ///< "" or "/..." (no query, no fragment)
  std::string query;   ///< without the "?"; "" when there is none

  bool default_port() const { return port == (scheme == "https" ? 443 : 80); }
  /// The Host header value: "host", or "host:port" when the port is not the scheme's default.
  std::string authority() const;
  /// "scheme://authority": where HttpTransport::send sends a request (its path is the request's).
  std::string origin() const;
};

/// Parses "http://host[:port][/path][?query]" or "https://...". Fails on another scheme, an empty
/// host, user info ("user@host": credentials never belong in an endpoint URL), a bad port, spaces or
/// control characters.
Result<Url> parse_url(std::string_view text);

/// One response: the last status line's code, its headers in order, and the body.
struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names as received
  std::string body;
  /// Connections opened for this request: 0 when an idle keep-alive connection was reused.
  long new_connections = 0;

  /// The first header with this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

/// Sends one request and returns the response, or a transport error (DNS, connect, TLS, timeout,
/// proxy). An HTTP error status is a response, not an error.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Sends `request` to `origin` ("scheme://host[:port]", see Url::origin) + `request.path`. The
  /// request's headers are sent as given (including Host, when present).
  virtual Result<HttpResponse> send(std::string_view origin, const HttpRequest& request) = 0;
};

/// Proxies, as the AWS CLI finds them (Python's urllib, not libcurl).
struct ProxySettings {
  std::string http_proxy;   ///< for http:// URLs; "" means a direct connection
  std::string https_proxy;  ///< for https:// URLs; "" means a direct connection
  /// Hosts that bypass the proxy: comma-separated names (".example.com" and "example.com" both cover
  /// subdomains), IP addresses, CIDR ranges, or "*" for all. Matched by libcurl (CURLOPT_NOPROXY).
  std::string no_proxy;
};

/// Reads http_proxy / HTTP_PROXY, https_proxy / HTTPS_PROXY and no_proxy / NO_PROXY, the lowercase
/// name first (an empty lowercase value disables the uppercase one), as Python's urllib does for the
/// AWS CLI. Unlike libcurl, which never reads uppercase HTTP_PROXY, the uppercase form is honoured,
/// except when REQUEST_METHOD is set: in a CGI program, HTTP_PROXY can come from a client's "Proxy:"
/// header ("httpoxy", CVE-2016-5385), and urllib ignores it there too. ALL_PROXY is not read
/// (botocore does not read it either).
ProxySettings proxy_settings_from_environment(const EnvLookup& env);

/// How an HttpClient connects. The defaults are botocore's: verify TLS, 60 s to connect, 60 s of
/// silence before a read times out.
struct HttpClientOptions {
  /// False for --no-verify-ssl: the peer's certificate and host name are not checked. The caller
  /// warns the user; the library does not print.
  bool verify_tls = true;
  /// A PEM file of trusted CA certificates (--ca-bundle, AWS_CA_BUNDLE, `ca_bundle`); "" uses the
  /// system store. Also used for an HTTPS proxy.
  std::string ca_bundle;
  /// Proxies; nullopt reads them from the process environment when the client is created
  /// (proxy_settings_from_environment(process_environment())).
  std::optional<ProxySettings> proxy;
  /// --cli-connect-timeout: the time allowed to open the connection (TCP, proxy and TLS handshake);
  /// 0 waits forever.
  std::chrono::milliseconds connect_timeout{60'000};
  /// --cli-read-timeout: once connected, a request fails when no byte moves for this long; 0 waits
  /// forever. Checked from libcurl's progress callback, so it fires up to about one second late.
  std::chrono::milliseconds read_timeout{60'000};
  /// A response body larger than this fails the request, so a hostile server cannot fill memory.
  std::size_t max_response_bytes = 64u << 20;
  /// Sent as User-Agent when the request has none; "" sends none.
  std::string user_agent = "awsprof";
};

/// How early before a deadline an exchange cut by it may end: libcurl counts whole milliseconds, so
/// a transfer stopped at the deadline can return up to this much before it. Whoever asks "did this
/// fail because the deadline came?" must allow for it.
inline constexpr std::chrono::milliseconds kDeadlineResolution{5};

/// An HttpTransport over one libcurl easy handle. Requests made through the same client reuse an
/// idle connection to the same origin (HTTP keep-alive), so N requests to one host open one
/// connection. A request's deadline (HttpRequest::deadline) cuts its whole exchange, to the
/// millisecond, whatever the connect and read timeouts; one past its deadline is not sent. Redirects are not
/// followed; only http and https are allowed. Not thread-safe: use one client per thread. Nothing is ever
/// written to stdout or stderr, and transport errors carry libcurl's error text (which names hosts and ports,
/// never header values).
class HttpClient final : public HttpTransport {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> send(std::string_view origin, const HttpRequest& request) override;

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Impl;
  HttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awsprof
