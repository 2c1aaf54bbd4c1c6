// A scripted HTTP/1.1 server on 127.0.0.1 for the KBS client tests: it
// accepts connections one after another, reads requests (head and
// Content-Length body) and answers each with whatever the handler returns
// (raw response text, so tests can send malformed answers; an empty string
// closes the connection).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/core/unique_fd.h"

namespace bp::testing {

struct FakeRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int connection = 0;  // index of the connection it came on
};

using FakeHandler = std::function<std::string(const FakeRequest &)>;

inline std::string http_response(int status, const std::string &body, const std::string &extra_headers = "",
                                 const char *content_type = "application/json") {
  return format("HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", status, content_type,
                body.size(), extra_headers.c_str()) +
         body;
}

class FakeServer {
 public:
  explicit FakeServer(FakeHandler handler) : handler_(std::move(handler)) {
    listener_ = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    listen(listener_.get(), 16);
    socklen_t len = sizeof addr;
    getsockname(listener_.get(), reinterpret_cast<sockaddr *>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
  }
  uint16_t port() const { return port_; }
  std::string url() const { return format("http://127.0.0.1:%u", port_); }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  void run() {
    while (!stop_) {
      struct pollfd p = {listener_.get(), POLLIN, 0};
      if (poll(&p, 1, 50) != 1) continue;
      UniqueFd conn(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!conn.valid()) continue;
      int index = connections_++;
      serve(conn.get(), index);
    }
  }

  // Reads one byte with a short poll so stop_ is noticed.
  bool read_byte(int fd, char *c) {
    while (!stop_) {
      struct pollfd p = {fd, POLLIN, 0};
      int r = poll(&p, 1, 50);
      if (r == 0) continue;
      return r == 1 && read(fd, c, 1) == 1;
    }
    return false;
  }

  void serve(int fd, int index) {
    for (;;) {
      std::string head;
      char c;
      while (head.size() < 65536 && (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0)) {
        if (!read_byte(fd, &c)) return;
        head.push_back(c);
      }
      FakeRequest request;
      request.connection = index;
      std::vector<std::string_view> lines = split(head, '\n');
      std::vector<std::string_view> first = split(lines[0], ' ');
      if (first.size() < 2) return;
      request.method = std::string(first[0]);
      request.target = std::string(first[1]);
      for (size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        request.headers[to_lower(line.substr(0, colon))] = std::string(value);
      }
      auto length = request.headers.find("content-length");
      Result<uint64_t> parsed =
          length == request.headers.end() ? Result<uint64_t>(0) : parse_u64(length->second);
      if (!parsed.ok() || parsed.value() > (1u << 24)) return;
      size_t body_size = static_cast<size_t>(parsed.value());
      while (request.body.size() < body_size) {
        if (!read_byte(fd, &c)) return;
        request.body.push_back(c);
      }
      ++requests_;
      std::string answer = handler_(request);
      if (answer.empty()) return;
      if (send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(answer.size())) return;
      if (answer.find("Connection: close") != std::string::npos) return;
    }
  }

  FakeHandler handler_;
  UniqueFd listener_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
};

}  // namespace bp::testing
