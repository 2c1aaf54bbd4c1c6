#include "agent/host_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "agent/line_framer.h"
#include "agent/rate_limiter.h"
#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/net/tcp_listener.h"

namespace bp {
namespace {

constexpr size_t kReadChunk = 4096;

}  // namespace

struct HostChannel::Stream {
  Stream(uint64_t id, UniqueFd fd, std::string name, StreamKind kind, const HostChannelLimits &limits,
         uint64_t now_ms)
      : id(id),
        fd(std::move(fd)),
        name(std::move(name)),
        kind(kind),
        framer(limits.max_line),
        limiter(limits.rate_per_second, limits.rate_burst),
        last_input_ms(now_ms) {}

  uint64_t id;
  UniqueFd fd;
  std::string name;
  StreamKind kind;
  LineFramer framer;
  RateLimiter limiter;
  std::deque<LineEvent> pending;
  std::string out;
  bool closing = false;  // no more input: close once the replies are out
  bool hangup = false;   // the other side is gone: replies cannot go out
  bool closed = false;
  uint64_t last_input_ms;
  uint64_t dropped = 0;  // rate-limited requests in the current episode
};

HostChannel::HostChannel(HostDispatcher &dispatcher, ExecService *exec, HostChannelLimits limits, Log log)
    : dispatcher_(dispatcher), exec_(exec), limits_(limits), log_(std::move(log)) {}

HostChannel::~HostChannel() = default;

void HostChannel::set_port(std::function<Result<UniqueFd>()> opener) { port_opener_ = std::move(opener); }

void HostChannel::set_tcp_listener(UniqueFd listener) { tcp_listener_ = std::move(listener); }

void HostChannel::add_stream(UniqueFd fd, std::string name) {
  add(std::move(fd), std::move(name), StreamKind::fixed, monotonic_ms());
}

void HostChannel::add(UniqueFd fd, std::string name, StreamKind kind, uint64_t now_ms) {
  int flags = fcntl(fd.get(), F_GETFL);
  if (flags >= 0) fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
  uint64_t id = next_id_++;
  streams_.emplace(id, std::make_unique<Stream>(id, std::move(fd), std::move(name), kind, limits_, now_ms));
}

void HostChannel::open_port(uint64_t now_ms) {
  auto opened = port_opener_();
  if (!opened.ok()) {
    // Said once per distinct reason, not every few seconds.
    if (opened.error().message() != last_port_error_) {
      log_.warning("host channel: virtio port unavailable (retrying every %llu ms): %s",
                   static_cast<unsigned long long>(limits_.port_retry_ms), opened.error().message().c_str());
      last_port_error_ = opened.error().message();
    }
    port_retry_at_ms_ = now_ms + limits_.port_retry_ms;
    return;
  }
  if (!last_port_error_.empty()) {
    log_.info("host channel: virtio port opened");
    last_port_error_.clear();
  }
  add(opened.release_value(), "virtio port", StreamKind::port, now_ms);
}

void HostChannel::accept_tcp(uint64_t now_ms) {
  auto accepted = accept_connection(tcp_listener_.get());
  if (!accepted.ok()) {
    // Out of descriptors, say: pause rather than spin on a listener that
    // stays readable.
    log_.warning("host channel: %s; pausing TCP accepts for a second", accepted.error().message().c_str());
    tcp_paused_until_ms_ = now_ms + 1000;
    return;
  }
  AcceptedConnection connection = accepted.release_value();
  if (!connection.fd.valid()) return;
  size_t tcp = 0;
  for (auto &entry : streams_) tcp += entry.second->kind == StreamKind::tcp ? 1 : 0;
  std::string name = "tcp " + connection.peer.to_string();
  if (tcp >= limits_.max_tcp_clients) {
    log_.warning("host channel: refused %s: %zu TCP clients already", name.c_str(), tcp);
    std::string line = dispatcher_.error_reply(std::nullopt, "too many host channel clients");
    ssize_t ignored = write(connection.fd.get(), line.data(), line.size());
    (void)ignored;
    return;
  }
  log_.info("host channel: %s connected", name.c_str());
  add(std::move(connection.fd), name, StreamKind::tcp, now_ms);
}

void HostChannel::close_stream(Stream &stream, uint64_t now_ms, const char *why) {
  if (stream.kind == StreamKind::port) {
    // The host side disconnected (or never connected): try again shortly.
    port_retry_at_ms_ = now_ms + limits_.reopen_delay_ms;
    log_.debug("host channel: virtio port: %s; reopening", why);
  } else {
    log_.info("host channel: %s: %s", stream.name.c_str(), why);
  }
  stream.closed = true;
}

void HostChannel::read_stream(Stream &stream, uint64_t now_ms) {
  uint8_t buffer[kReadChunk];
  ssize_t n = read(stream.fd.get(), buffer, sizeof(buffer));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    stream.closing = true;
    return;
  }
  stream.last_input_ms = now_ms;
  std::vector<LineEvent> events;
  stream.framer.feed(ByteView(buffer, static_cast<size_t>(n)), events);
  for (LineEvent &e : events) stream.pending.push_back(std::move(e));
}

void HostChannel::write_stream(Stream &stream) {
  while (!stream.out.empty()) {
    ssize_t n = write(stream.fd.get(), stream.out.data(), stream.out.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      stream.out.clear();
      stream.closing = true;
      stream.hangup = true;
      return;
    }
    stream.out.erase(0, static_cast<size_t>(n));
  }
}

void HostChannel::process(Stream &stream, uint64_t now_ms) {
  while (!stream.pending.empty() && exec_owner_ != stream.id &&
         stream.out.size() < limits_.max_pending_output) {
    LineEvent event = std::move(stream.pending.front());
    stream.pending.pop_front();
    if (event.kind == LineEvent::Kind::line && event.text.find_first_not_of(" \t") == std::string::npos)
      continue;  // blank lines are keep-alives, not requests
    if (!stream.limiter.take(now_ms)) {
      if (stream.dropped++ == 0)
        log_.warning("host channel: %s: more than %u requests a second; dropping requests",
                     stream.name.c_str(), limits_.rate_per_second);
      stream.out += dispatcher_.error_reply(
          std::nullopt,
          format("rate limited: more than %u requests a second; request dropped", limits_.rate_per_second));
      continue;
    }
    if (stream.dropped) {
      log_.info("host channel: %s: %llu requests were dropped by the rate limit", stream.name.c_str(),
                static_cast<unsigned long long>(stream.dropped));
      stream.dropped = 0;
    }
    if (event.kind == LineEvent::Kind::oversized) {
      log_.warning("host channel: %s: discarded a request line longer than %zu bytes", stream.name.c_str(),
                   limits_.max_line);
      stream.out += dispatcher_.error_reply(
          std::nullopt, format("request line longer than %zu bytes; discarded", limits_.max_line));
      continue;
    }
    HostDispatch dispatch = dispatcher_.handle(event.text, stream.name);
    if (!dispatch.exec) {
      stream.out += dispatch.reply;
      continue;
    }
    if (!exec_) {
      stream.out +=
          dispatcher_.error_reply(dispatch.id, "exec is not available: the agent has no exec helper");
    } else if (exec_owner_ != 0) {
      stream.out += dispatcher_.error_reply(dispatch.id, "exec: another command is running; try again later");
    } else {
      Status submitted = exec_->submit(*dispatch.exec);
      if (!submitted.ok()) {
        stream.out += dispatcher_.error_reply(dispatch.id, submitted.error().message());
      } else {
        exec_owner_ = stream.id;
        exec_id_ = dispatch.id;
      }
    }
  }
}

void HostChannel::finish_exec() {
  Result<CommandResult> result = exec_->collect();
  auto it = streams_.find(exec_owner_);
  if (it != streams_.end()) it->second->out += dispatcher_.exec_reply(exec_id_, result);
  exec_owner_ = 0;
  exec_id_.reset();
}

Status HostChannel::run(int stop_fd) {
  std::vector<struct pollfd> fds;
  std::vector<uint64_t> ids;
  for (;;) {
    uint64_t now_ms = monotonic_ms();
    bool have_port = false;
    for (auto &entry : streams_) have_port |= entry.second->kind == StreamKind::port;
    if (port_opener_ && !have_port && now_ms >= port_retry_at_ms_) open_port(now_ms);

    // Requests already framed go first (they may be waiting for room).
    for (auto &entry : streams_) process(*entry.second, now_ms);

    fds.clear();
    ids.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    fds.push_back({exec_ && exec_owner_ != 0 ? exec_->fd() : -1, POLLIN, 0});
    bool accepting = tcp_listener_.valid() && now_ms >= tcp_paused_until_ms_;
    fds.push_back({accepting ? tcp_listener_.get() : -1, POLLIN, 0});
    uint64_t wake_at = UINT64_MAX;
    if (port_opener_ && !have_port) wake_at = port_retry_at_ms_;
    if (tcp_listener_.valid() && !accepting) wake_at = std::min(wake_at, tcp_paused_until_ms_);
    for (auto &entry : streams_) {
      Stream &s = *entry.second;
      short events = 0;
      if (!s.closing && s.pending.empty() && exec_owner_ != s.id && s.out.size() < limits_.max_pending_output)
        events |= POLLIN;
      if (!s.out.empty()) events |= POLLOUT;
      if (s.kind == StreamKind::tcp)
        wake_at = std::min(wake_at, s.last_input_ms + limits_.tcp_idle_timeout_ms);
      fds.push_back({s.fd.get(), events, 0});
      ids.push_back(s.id);
    }
    int timeout = -1;
    if (wake_at != UINT64_MAX)
      timeout = wake_at <= now_ms ? 0 : static_cast<int>(std::min<uint64_t>(wake_at - now_ms, INT32_MAX));
    int ready = poll(fds.data(), fds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("host channel: poll", errno);
    }
    if (fds[0].revents) return {};
    now_ms = monotonic_ms();
    if (fds[1].revents) finish_exec();
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = streams_.find(ids[i]);
      if (it == streams_.end()) continue;
      Stream &s = *it->second;
      short revents = fds[i + 3].revents;
      if (revents & POLLOUT) write_stream(s);
      if (revents & (POLLHUP | POLLERR)) s.hangup = true;
      if (revents & (POLLIN | POLLHUP | POLLERR)) {
        if (fds[i + 3].events & POLLIN)
          read_stream(s, now_ms);
        else if (s.hangup)
          s.closing = true;
      }
      // A stream that sent its last bytes is closed once its requests are
      // answered and the answers are out (or cannot go out: hung up).
      if (s.closing && s.pending.empty() && exec_owner_ != s.id && (s.out.empty() || s.hangup)) {
        write_stream(s);
        close_stream(s, now_ms, "disconnected");
      } else if (s.kind == StreamKind::tcp && now_ms >= s.last_input_ms + limits_.tcp_idle_timeout_ms) {
        close_stream(s, now_ms, "idle for too long");
      }
      if (s.closed) streams_.erase(it);
    }
    if (fds[2].revents) accept_tcp(now_ms);
  }
}

}  // namespace bp
