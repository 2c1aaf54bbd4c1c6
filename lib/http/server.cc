#include "lib/http/server.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>

#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/net/tcp_listener.h"

namespace bp {
namespace {

constexpr size_t kReadChunk = 4096;
constexpr uint64_t kDrainMs = 500;
constexpr size_t kMaxDrainBytes = size_t{64} * 1024;
constexpr size_t kAcceptsPerWakeup = 32;
constexpr uint64_t kAcceptPauseMs = 100;  // after accept() fails (out of descriptors)
constexpr size_t kRefusalSlots = 16;      // connections being told 403 or 503, beyond max_connections

size_t send_some(int fd, const struct iovec *iov, int count) {
  struct msghdr message {};
  message.msg_iov = const_cast<struct iovec *>(iov);
  message.msg_iovlen = static_cast<size_t>(count);
  for (;;) {
    ssize_t n = sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return SIZE_MAX;  // the peer is gone
  }
}

}  // namespace

struct HttpServer::Connection {
  enum class Phase { reading, handling, writing, draining };

  Connection(uint64_t id, UniqueFd fd, SocketAddress peer, HttpRequestLimits limits, uint64_t deadline_ms)
      : id(id), fd(std::move(fd)), peer(peer), parser(limits), deadline_ms(deadline_ms) {}

  uint64_t id;
  UniqueFd fd;
  SocketAddress peer;
  HttpRequestParser parser;
  Phase phase = Phase::reading;
  uint64_t deadline_ms;
  std::string head;
  HttpReply response;
  size_t written = 0;
  size_t drained = 0;
  bool closed = false;
  bool refusal = false;  // answered at accept (403, 503), never read
};

HttpServer::HttpServer(UniqueFd listener, UniqueFd wake, HttpHandler handler, HttpServerLimits limits,
                       Log log)
    : listener_(std::move(listener)),
      wake_(std::move(wake)),
      handler_(std::move(handler)),
      limits_(limits),
      log_(std::move(log)) {}

Result<std::unique_ptr<HttpServer>> HttpServer::create(UniqueFd listener, HttpHandler handler,
                                                       HttpServerLimits limits, Log log) {
  if (limits.worker_threads == 0 || limits.max_connections == 0)
    return Error("HTTP server: worker_threads and max_connections must be at least 1");
  UniqueFd wake(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake.valid()) return Error::from_errno("HTTP server: eventfd", errno);
  std::unique_ptr<HttpServer> server(
      new HttpServer(std::move(listener), std::move(wake), std::move(handler), limits, std::move(log)));
  for (size_t i = 0; i < limits.worker_threads; ++i) {
    HttpServer *self = server.get();
    Thread worker =
        TRY_CONTEXT(Thread::start([self] { self->worker_loop(); }), "HTTP server: starting a worker");
    server->workers_.push_back(std::move(worker));
  }
  return server;
}

HttpServer::~HttpServer() {
  {
    MutexLock lock(mutex_);
    workers_stopping_ = true;
    jobs_.clear();
  }
  work_available_.broadcast();
  for (Thread &worker : workers_) worker.join();
}

void HttpServer::stop() {
  stop_requested_.store(true);
  uint64_t one = 1;
  // An eventfd write of 8 bytes either succeeds or the counter is already
  // non-zero (EAGAIN at the maximum): the loop wakes up either way.
  ssize_t ignored = write(wake_.get(), &one, sizeof(one));
  (void)ignored;
}

void HttpServer::worker_loop() {
  for (;;) {
    Job job;
    {
      MutexLock lock(mutex_);
      while (jobs_.empty() && !workers_stopping_) work_available_.wait(mutex_);
      if (workers_stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    HttpReply response = handler_(job.request, job.peer);
    {
      MutexLock lock(mutex_);
      done_.push_back(Done{job.connection, std::move(response)});
    }
    uint64_t one = 1;
    ssize_t ignored = write(wake_.get(), &one, sizeof(one));
    (void)ignored;
  }
}

bool HttpServer::refuse(AcceptedConnection connection, int status, const char *message, size_t &refusing,
                        uint64_t now_ms) {
  // The refusal goes out like any response (written, then drained before the
  // close, so the close does not reset it away); a few slots beyond the
  // limit are kept for that, and past them the connection is just closed.
  if (refusing >= kRefusalSlots) return false;
  ++refusing;
  uint64_t id = next_id_++;
  auto c =
      std::make_unique<Connection>(id, std::move(connection.fd), connection.peer, limits_.request, now_ms);
  c->refusal = true;
  Connection &ref = *c;
  connections_.emplace(id, std::move(c));
  respond(ref, HttpReply::text(status, message), now_ms);
  return true;
}

void HttpServer::accept_pending(uint64_t now_ms) {
  size_t serving = 0, refusing = 0;
  for (auto &entry : connections_) ++(entry.second->refusal ? refusing : serving);
  for (size_t i = 0; i < kAcceptsPerWakeup; ++i) {
    auto accepted = accept_connection(listener_.get());
    if (!accepted.ok()) {
      log_.warning("HTTP server: %s; pausing accepts for %llu ms", accepted.error().message().c_str(),
                   static_cast<unsigned long long>(kAcceptPauseMs));
      accept_paused_until_ms_ = now_ms + kAcceptPauseMs;
      return;
    }
    AcceptedConnection connection = accepted.release_value();
    if (!connection.fd.valid()) return;
    if (limits_.loopback_only && !connection.peer.is_loopback()) {
      log_.warning("HTTP server: refused a connection from %s: only loopback clients are served",
                   connection.peer.to_string().c_str());
      refuse(std::move(connection), 403, "Forbidden: only loopback clients are served\n", refusing, now_ms);
      continue;
    }
    if (serving >= limits_.max_connections) {
      if (now_ms >= last_busy_log_ms_ + 1000) {
        log_.warning("HTTP server: %zu connections open (the limit); refusing more with 503", serving);
        last_busy_log_ms_ = now_ms;
      }
      refuse(std::move(connection), 503, "Service Unavailable: too many connections\n", refusing, now_ms);
      continue;
    }
    ++serving;
    uint64_t id = next_id_++;
    connections_.emplace(
        id, std::make_unique<Connection>(id, std::move(connection.fd), connection.peer, limits_.request,
                                         now_ms + limits_.request_timeout_ms));
  }
}

void HttpServer::respond(Connection &connection, HttpReply response, uint64_t now_ms) {
  connection.head = http_response_head(response);
  connection.response = std::move(response);
  connection.written = 0;
  connection.phase = Connection::Phase::writing;
  connection.deadline_ms = now_ms + limits_.response_timeout_ms;
  on_writable(connection, now_ms);
}

void HttpServer::collect_done(uint64_t now_ms) {
  uint64_t counter;
  while (read(wake_.get(), &counter, sizeof(counter)) > 0) {
  }
  std::deque<Done> done;
  {
    MutexLock lock(mutex_);
    done.swap(done_);
  }
  for (Done &d : done) {
    auto it = connections_.find(d.connection);
    if (it == connections_.end()) continue;
    respond(*it->second, std::move(d.response), now_ms);
  }
}

void HttpServer::on_readable(Connection &connection, uint64_t now_ms) {
  uint8_t buffer[kReadChunk];
  ssize_t n = recv(connection.fd.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {  // the client went away before finishing its request
    connection.closed = true;
    return;
  }
  switch (connection.parser.feed(ByteView(buffer, static_cast<size_t>(n)))) {
    case HttpRequestParser::State::need_more:
      return;
    case HttpRequestParser::State::failed: {
      int status = connection.parser.error_status();
      const std::string &why = connection.parser.error_message();
      log_.info("HTTP server: %s: refused a request with %d: %s", connection.peer.to_string().c_str(), status,
                why.c_str());
      respond(connection, HttpReply::text(status, why + "\n"), now_ms);
      return;
    }
    case HttpRequestParser::State::complete: {
      connection.phase = Connection::Phase::handling;
      {
        MutexLock lock(mutex_);
        jobs_.push_back(Job{connection.id, std::move(connection.parser.request()), connection.peer});
      }
      work_available_.signal();
      return;
    }
  }
}

void HttpServer::on_writable(Connection &connection, uint64_t now_ms) {
  ByteView body = connection.response.body_view();
  size_t total = connection.head.size() + body.size();
  while (connection.written < total) {
    struct iovec iov[2];
    int count = 0;
    if (connection.written < connection.head.size()) {
      iov[count++] = {const_cast<char *>(connection.head.data()) + connection.written,
                      connection.head.size() - connection.written};
      iov[count++] = {const_cast<uint8_t *>(body.data()), body.size()};
    } else {
      size_t offset = connection.written - connection.head.size();
      iov[count++] = {const_cast<uint8_t *>(body.data()) + offset, body.size() - offset};
    }
    size_t sent = send_some(connection.fd.get(), iov, count);
    if (sent == SIZE_MAX) {
      connection.closed = true;
      return;
    }
    if (sent == 0) return;  // the socket buffer is full; poll tells when to continue
    connection.written += sent;
  }
  // Everything sent: the secret body is no longer needed.
  connection.response.secret_body.wipe();
  shutdown(connection.fd.get(), SHUT_WR);
  connection.phase = Connection::Phase::draining;
  connection.deadline_ms = now_ms + kDrainMs;
}

void HttpServer::on_drain(Connection &connection) {
  uint8_t buffer[kReadChunk];
  ssize_t n = recv(connection.fd.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    connection.closed = true;
    return;
  }
  connection.drained += static_cast<size_t>(n);
  if (connection.drained > kMaxDrainBytes) connection.closed = true;
}

void HttpServer::on_deadline(Connection &connection, uint64_t now_ms) {
  switch (connection.phase) {
    case Connection::Phase::reading:
      log_.info("HTTP server: %s: no complete request within %llu ms; closing",
                connection.peer.to_string().c_str(),
                static_cast<unsigned long long>(limits_.request_timeout_ms));
      respond(connection, HttpReply::text(408, "Request Timeout\n"), now_ms);
      // A client that does not read its 408 either is dropped at the next deadline.
      return;
    case Connection::Phase::writing:
      log_.info("HTTP server: %s: response not taken within %llu ms; closing",
                connection.peer.to_string().c_str(),
                static_cast<unsigned long long>(limits_.response_timeout_ms));
      connection.closed = true;
      return;
    case Connection::Phase::draining:
      connection.closed = true;
      return;
    case Connection::Phase::handling:
      return;  // the handler's own deadlines bound this
  }
}

Status HttpServer::run() {
  std::vector<struct pollfd> fds;
  std::vector<uint64_t> ids;
  while (!stop_requested_.load()) {
    uint64_t now_ms = monotonic_ms();
    fds.clear();
    ids.clear();
    fds.push_back({wake_.get(), POLLIN, 0});
    bool accepting = now_ms >= accept_paused_until_ms_;
    fds.push_back({accepting ? listener_.get() : -1, POLLIN, 0});
    uint64_t next_deadline = accepting ? UINT64_MAX : accept_paused_until_ms_;
    for (auto &entry : connections_) {
      Connection &c = *entry.second;
      short events = 0;
      if (c.phase == Connection::Phase::reading || c.phase == Connection::Phase::draining) events = POLLIN;
      if (c.phase == Connection::Phase::writing) events = POLLOUT;
      if (c.phase != Connection::Phase::handling && c.deadline_ms < next_deadline)
        next_deadline = c.deadline_ms;
      fds.push_back({events ? c.fd.get() : -1, events, 0});
      ids.push_back(c.id);
    }
    int timeout = -1;
    if (next_deadline != UINT64_MAX)
      timeout = next_deadline <= now_ms
                    ? 0
                    : static_cast<int>(std::min<uint64_t>(next_deadline - now_ms, INT32_MAX));
    int ready = poll(fds.data(), fds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("HTTP server: poll", errno);
    }
    now_ms = monotonic_ms();
    if (fds[0].revents) collect_done(now_ms);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = connections_.find(ids[i]);
      if (it == connections_.end()) continue;
      Connection &c = *it->second;
      short revents = fds[i + 2].revents;
      if (revents) {
        if (c.phase == Connection::Phase::reading)
          on_readable(c, now_ms);
        else if (c.phase == Connection::Phase::writing)
          on_writable(c, now_ms);
        else if (c.phase == Connection::Phase::draining)
          on_drain(c);
      }
      if (!c.closed && c.phase != Connection::Phase::handling && now_ms >= c.deadline_ms)
        on_deadline(c, now_ms);
      if (c.closed) connections_.erase(it);
    }
    if (fds[1].revents) accept_pending(now_ms);
  }
  connections_.clear();
  return {};
}

}  // namespace bp
