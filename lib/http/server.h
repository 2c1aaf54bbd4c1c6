// A small HTTP/1.1 server for local APIs: one poll() loop owns every
// connection, a fixed pool of worker threads runs the handler, so
//   - a slow or silent client costs one connection slot and a bounded buffer
//     until its deadline, never a thread, and never delays other clients;
//   - a slow handler (a backend waiting on the network) holds one worker,
//     not the loop;
//   - memory is bounded: at most max_connections connections, each with at
//     most max_head_bytes + max_body_bytes of request (plus a few being
//     refused with 403 or 503, which are never read).
// One request per connection ("Connection: close"); the handler's response is
// written without blocking and the connection closed after a short drain (so
// that unread request bytes do not turn the close into a reset that destroys
// the response in flight).
#pragma once

#include <stdint.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/core/thread.h"
#include "lib/core/unique_fd.h"
#include "lib/http/request_parser.h"
#include "lib/http/response.h"
#include "lib/net/socket_address.h"
#include "lib/net/tcp_listener.h"

namespace bp {

struct HttpServerLimits {
  HttpRequestLimits request;
  size_t max_connections = 64;           // more are answered 503 and closed at once
  uint64_t request_timeout_ms = 5000;    // from accept until the whole request arrived; then 408
  uint64_t response_timeout_ms = 10000;  // writing the response
  size_t worker_threads = 4;
  // Peers that are not loopback addresses get 403 before anything is read.
  bool loopback_only = true;
};

// Called on worker threads, several at a time: it must be thread-safe.
using HttpHandler = std::function<HttpReply(const ParsedHttpRequest &request, const SocketAddress &peer)>;

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> create(UniqueFd listener, HttpHandler handler,
                                                    HttpServerLimits limits, Log log);
  HttpServer(const HttpServer &) = delete;
  HttpServer &operator=(const HttpServer &) = delete;
  // Stops the workers (after their current request) and joins them.
  ~HttpServer();

  // Serves until stop(); then closes every connection.
  Status run();
  // From any thread (and from a signal handler: it only writes an eventfd).
  void stop();

 private:
  struct Connection;
  struct Job {
    uint64_t connection;
    ParsedHttpRequest request;
    SocketAddress peer;
  };
  struct Done {
    uint64_t connection;
    HttpReply response;
  };

  HttpServer(UniqueFd listener, UniqueFd wake, HttpHandler handler, HttpServerLimits limits, Log log);

  void worker_loop();
  void accept_pending(uint64_t now_ms);
  void collect_done(uint64_t now_ms);
  void on_readable(Connection &connection, uint64_t now_ms);
  void on_writable(Connection &connection, uint64_t now_ms);
  void on_drain(Connection &connection);
  void on_deadline(Connection &connection, uint64_t now_ms);
  void respond(Connection &connection, HttpReply response, uint64_t now_ms);
  // Answers a connection without reading it; false when it was just closed.
  bool refuse(AcceptedConnection connection, int status, const char *message, size_t &refusing,
              uint64_t now_ms);

  UniqueFd listener_;
  UniqueFd wake_;
  HttpHandler handler_;
  HttpServerLimits limits_;
  Log log_;
  std::atomic<bool> stop_requested_{false};

  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;
  uint64_t accept_paused_until_ms_ = 0;
  uint64_t last_busy_log_ms_ = 0;

  Mutex mutex_;
  CondVar work_available_;
  std::deque<Job> jobs_;
  std::deque<Done> done_;
  bool workers_stopping_ = false;
  std::vector<Thread> workers_;
};

}  // namespace bp
