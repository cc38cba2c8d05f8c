// The loopback redirect listener of the authorization code flow.
#include "sso_loopback.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace awsprof::detail {
namespace {

constexpr std::size_t kMaxRequestBytes = 16 * 1024;
constexpr auto kIdleConnection = std::chrono::seconds(10);  // the CLI's _REQUEST_TIMEOUT

constexpr std::string_view kPage =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>awsprof sso login</title></head>\n"
    "<body><p>The request was received. You can close this window and return to the terminal.</p></body>"
    "</html>\n";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void answer(int fd, int status, std::string_view body) {
  std::string head =
      "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Not Found") +
      "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n";
  send_all(fd, head);
  send_all(fd, body);
}

struct Client {
  int fd;
  std::string received;
  std::chrono::steady_clock::time_point since;
};

}  // namespace

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    out[percent_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
  }
  return out;
}

Result<LoopbackListener> LoopbackListener::open() {
  using R = Result<LoopbackListener>;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return R::error(std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return R::error("cannot listen on 127.0.0.1 for the login's redirect: " + why);
  }
  return LoopbackListener(fd, ntohs(address.sin_port));
}

LoopbackListener::LoopbackListener(LoopbackListener&& other) noexcept : fd_(other.fd_), port_(other.port_) {
  other.fd_ = -1;
}

LoopbackListener::~LoopbackListener() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::map<std::string, std::string>> LoopbackListener::wait(
    const std::string& path, std::chrono::steady_clock::time_point deadline) {
  using R = Result<std::map<std::string, std::string>>;
  std::vector<Client> clients;
  auto close_all = [&clients] {
    for (Client& c : clients) ::close(c.fd);
    clients.clear();
  };
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      close_all();
      return R::error("no browser came back to the login's redirect in time");
    }
    std::vector<pollfd> fds{{fd_, POLLIN, 0}};
    for (const Client& c : clients) fds.push_back({c.fd, POLLIN, 0});
    auto wait_for = std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::seconds(1));
    int ready = ::poll(fds.data(), fds.size(),
                       static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait_for).count()));
    if (ready < 0 && errno != EINTR) {
      close_all();
      return R::error(std::string("waiting for the login's redirect failed: ") + std::strerror(errno));
    }
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
      int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) clients.push_back({client, "", std::chrono::steady_clock::now()});
    }
    for (std::size_t i = clients.size(); i-- > 0;) {
      Client& c = clients[i];
      const pollfd* polled = i + 1 < fds.size() ? &fds[i + 1] : nullptr;
      bool done = false;
      if (polled != nullptr && polled->fd == c.fd && (polled->revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        char buffer[4096];
        ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
          done = true;
        } else {
          c.received.append(buffer, static_cast<std::size_t>(n));
          if (c.received.size() > kMaxRequestBytes) done = true;
        }
      }
      const std::size_t end = c.received.find("\r\n\r\n");
      if (!done && end != std::string::npos) {
        // "GET /oauth/callback?code=...&state=... HTTP/1.1"
        const std::string line = c.received.substr(0, c.received.find("\r\n"));
        const std::size_t space = line.find(' ');
        const std::size_t second = line.find(' ', space + 1);
        const std::string method = line.substr(0, space);
        const std::string target =
            space == std::string::npos ? std::string() : line.substr(space + 1, second - space - 1);
        const std::size_t question = target.find('?');
        if (method == "GET" && target.substr(0, question) == path) {
          answer(c.fd, 200, kPage);
          auto query =
              parse_query(question == std::string::npos ? std::string_view()
                                                        : std::string_view(target).substr(question + 1));
          close_all();
          return query;
        }
        answer(c.fd, 404, "<!DOCTYPE html>\n<html><body><p>Not found.</p></body></html>\n");
        done = true;
      }
      if (!done && std::chrono::steady_clock::now() - c.since > kIdleConnection) done = true;
      if (done) {
        ::close(c.fd);
        clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }
}

}  // namespace awsprof::detail
