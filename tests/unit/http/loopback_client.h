// Test helpers: a blocking HTTP client over loopback TCP, and an HttpServer
// running on its own thread for the duration of a test.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "lib/core/log.h"
#include "lib/core/thread.h"
#include "lib/core/unique_fd.h"
#include "lib/http/server.h"
#include "lib/net/tcp_listener.h"
#include "tests/unit/test_support.h"

namespace test {

inline bp::UniqueFd connect_loopback(uint16_t port) {
  bp::UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  assert_true(fd.valid());
  struct timeval timeout = {5, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd.get(), reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0)
    fail_msg("connect to port %u failed", port);
  return fd;
}

inline void send_text(int fd, const std::string &text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (a refused request)
    done += static_cast<size_t>(n);
  }
}

// Everything the server sends until it closes (or 5 s pass).
inline std::string read_until_close(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return out;
    out.append(buffer, static_cast<size_t>(n));
  }
}

// Whether the server has sent anything (or closed) within timeout_ms.
inline bool readable_within(int fd, int timeout_ms) {
  struct pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

inline std::string http_exchange(uint16_t port, const std::string &request) {
  bp::UniqueFd fd = connect_loopback(port);
  send_text(fd.get(), request);
  return read_until_close(fd.get());
}

inline std::string get(uint16_t port, const std::string &target) {
  return http_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

inline int status_of(const std::string &response) {
  if (response.compare(0, 9, "HTTP/1.1 ") != 0 || response.size() < 12) return -1;
  return std::stoi(response.substr(9, 3));
}

inline std::string body_of(const std::string &response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

inline std::string header_of(const std::string &response, const std::string &name) {
  size_t end = response.find("\r\n\r\n");
  std::string head = response.substr(0, end);
  std::string key = "\r\n" + name + ": ";
  size_t at = head.find(key);
  if (at == std::string::npos) return std::string();
  size_t value = at + key.size();
  return head.substr(value, head.find("\r\n", value) - value);
}

inline bp::Log quiet_log() {
  bp::Log::Sinks sinks;
  sinks.threshold = bp::LogLevel::error;
  return bp::Log("test", sinks);
}

// An HttpServer on 127.0.0.1:<free port>, served on a thread until the
// fixture is destroyed.
struct RunningServer {
  std::unique_ptr<bp::HttpServer> server;
  bp::Thread thread;
  uint16_t port = 0;

  RunningServer(bp::HttpHandler handler, bp::HttpServerLimits limits) {
    bp::UniqueFd listener = ASSERT_OK(bp::listen_tcp(bp::SocketAddress::ipv4_loopback(0), 16));
    port = ASSERT_OK(bp::local_address(listener.get())).port();
    server = ASSERT_OK(bp::HttpServer::create(std::move(listener), std::move(handler), limits, quiet_log()));
    bp::HttpServer *s = server.get();
    thread = ASSERT_OK(bp::Thread::start([s] {
      bp::Status status = s->run();
      if (!status.ok()) fail_msg("server: %s", status.error().message().c_str());
    }));
  }
  RunningServer(const RunningServer &) = delete;
  RunningServer &operator=(const RunningServer &) = delete;
  ~RunningServer() {
    server->stop();
    thread.join();
  }
};

}  // namespace test
