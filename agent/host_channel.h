// The host control channel's event loop: the virtio-serial port (reopened
// whenever the host side disconnects), optionally TCP clients, and the exec
// helper, multiplexed with poll() on one thread.
//
// Bad input and floods cost the guest little and never grow memory:
//   - a line longer than max_line is answered with an error and discarded;
//   - each stream has a token bucket: a request over the rate gets a short
//     "rate limited" error without being parsed or executed;
//   - replies wait in a buffer of at most max_pending_output bytes; while it
//     is full (the host does not read), the stream is not read either;
//   - a stream whose exec is running is not read until the exec finishes,
//     so replies stay in request order.
#pragma once

#include <stdint.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "agent/exec_helper.h"
#include "agent/host_ops.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

struct HostChannelLimits {
  size_t max_line = kMaxHostLine;
  size_t max_tcp_clients = 4;
  uint32_t rate_per_second = 10;
  uint32_t rate_burst = 20;
  size_t max_pending_output = 256 * 1024;
  uint64_t reopen_delay_ms = 1000;        // after the host disconnected from the port
  uint64_t port_retry_ms = 5000;          // while the port cannot be found or opened
  uint64_t tcp_idle_timeout_ms = 600000;  // a TCP client that sends nothing for this long is closed
};

class HostChannel {
 public:
  HostChannel(HostDispatcher &dispatcher, ExecService *exec, HostChannelLimits limits, Log log);
  HostChannel(const HostChannel &) = delete;
  HostChannel &operator=(const HostChannel &) = delete;
  ~HostChannel();

  // The virtio port: opened at the start and again after each disconnect.
  void set_port(std::function<Result<UniqueFd>()> opener);
  void set_tcp_listener(UniqueFd listener);
  // A stream used until it closes (tests, and anything already connected).
  void add_stream(UniqueFd fd, std::string name);

  // Serves until stop_fd becomes readable.
  Status run(int stop_fd);

 private:
  struct Stream;
  enum class StreamKind { port, tcp, fixed };

  void add(UniqueFd fd, std::string name, StreamKind kind, uint64_t now_ms);
  void open_port(uint64_t now_ms);
  void accept_tcp(uint64_t now_ms);
  void read_stream(Stream &stream, uint64_t now_ms);
  void write_stream(Stream &stream);
  void process(Stream &stream, uint64_t now_ms);
  void finish_exec();
  void close_stream(Stream &stream, uint64_t now_ms, const char *why);

  HostDispatcher &dispatcher_;
  ExecService *exec_;
  HostChannelLimits limits_;
  Log log_;

  std::function<Result<UniqueFd>()> port_opener_;
  uint64_t port_retry_at_ms_ = 0;
  std::string last_port_error_;
  UniqueFd tcp_listener_;
  uint64_t tcp_paused_until_ms_ = 0;

  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Stream>> streams_;
  uint64_t exec_owner_ = 0;  // the stream whose exec is running, 0 for none
  std::optional<Json> exec_id_;
};

}  // namespace bp
