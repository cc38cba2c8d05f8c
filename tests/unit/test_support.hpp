// Helpers shared by the unit tests: a fake environment, a canned HTTP transport, reading a whole
// file, and a listening socket on 127.0.0.1 for the small HTTP servers. Header-only; not a *_test.cpp, so not globbed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "awsprof/http_client.hpp"
#include "awsprof/locations.hpp"

namespace awsprof {

/// An environment holding exactly `vars`.
inline EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

/// An HttpTransport that answers with canned responses, in order, and records what was sent; a
/// transport error once they run out.
class CannedTransport final : public HttpTransport {
 public:
  struct Sent {
    std::string origin;
    HttpRequest request;
  };
  void add(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    responses_.push_back(std::move(r));
  }
  Result<HttpResponse> send(std::string_view origin, const HttpRequest& request) override {
    sent.push_back({std::string(origin), request});
    if (responses_.empty()) return Result<HttpResponse>::error("connection refused (no canned response)");
    HttpResponse r = std::move(responses_.front());
    responses_.pop_front();
    return r;
  }
  std::vector<Sent> sent;

 private:
  std::deque<HttpResponse> responses_;
};

/// The whole content of a file; "" when it cannot be read.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A TCP socket listening on 127.0.0.1 at a port the system chose.
struct LoopbackListener {
  int fd = -1;  ///< -1 when the socket could not be opened.
  int port = 0;
};

/// Opens a LoopbackListener with room for `backlog` pending connections.
inline LoopbackListener listen_on_loopback(int backlog) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return {};
  }
  return {fd, ntohs(addr.sin_port)};
}

}  // namespace awsprof
