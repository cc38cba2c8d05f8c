// The one-off HTTP listener on 127.0.0.1 that receives the browser's redirect at the end of the
// authorization code flow (RFC 8252 loopback redirect), as the AWS CLI's AuthCodeFetcher does,
// but bound to the loopback interface only.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "awsprof/result.hpp"

namespace awsprof::detail {

class LoopbackListener {
 public:
  /// Listens on 127.0.0.1, on a port the system picks.
  static Result<LoopbackListener> open();
  LoopbackListener(LoopbackListener&& other) noexcept;
  LoopbackListener& operator=(LoopbackListener&&) = delete;
  LoopbackListener(const LoopbackListener&) = delete;
  ~LoopbackListener();

  int port() const { return port_; }

  /// Serves until a GET of `path` arrives (answered with a page telling the user to go back to the
  /// terminal) or `deadline` passes; other requests get 404. Returns that request's query
  /// parameters, percent-decoded. Several connections are served at once, so a browser's idle
  /// pre-connection delays nothing.
  Result<std::map<std::string, std::string>> wait(const std::string& path,
                                                  std::chrono::steady_clock::time_point deadline);

 private:
  LoopbackListener(int fd, int port) : fd_(fd), port_(port) {}
  int fd_ = -1;
  int port_ = 0;
};

/// Percent-decodes a query string ("a=b%20c&d") into its parameters ('+' is a space); the last of
/// a repeated name wins.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace awsprof::detail
