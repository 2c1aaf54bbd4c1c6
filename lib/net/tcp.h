// TCP client connections with a deadline: non-blocking connect() and poll().
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "lib/core/unique_fd.h"
#include "lib/net/stream.h"

namespace bp {

// host: an IPv4 or IPv6 literal, or a name (resolved with getaddrinfo, which
// does not honour the deadline: the guest's configs use addresses). The
// socket comes back non-blocking, close-on-exec, with TCP_NODELAY.
Result<UniqueFd> tcp_connect(const std::string &host, uint16_t port, Deadline deadline);

class TcpStream : public Stream {
 public:
  explicit TcpStream(UniqueFd fd) : fd_(std::move(fd)) {}
  Result<size_t> read_some(uint8_t *out, size_t size, Deadline deadline) override;
  Status write_all(ByteView data, Deadline deadline) override;
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
};

// The socket operations TcpStream and the TLS transport share: one recv() or
// send() (MSG_NOSIGNAL: a closed peer is an error, never SIGPIPE), with
// EAGAIN reported as 0 bytes and `would_block` set.
Result<size_t> socket_recv(int fd, uint8_t *out, size_t size, bool *would_block);
Result<size_t> socket_send(int fd, const uint8_t *data, size_t size, bool *would_block);

}  // namespace bp
