// A point in monotonic time by which an operation must finish, and waiting on
// a file descriptor until then. Network and device I/O with an untrusted peer
// takes a Deadline so a slow or silent peer cannot hold us past it.
#pragma once

#include <stdint.h>

#include "lib/core/result.h"

namespace bp {

class Deadline {
 public:
  static Deadline after_ms(uint64_t ms);
  static Deadline never() { return Deadline(UINT64_MAX); }

  bool expired() const;
  // 0 when expired; UINT64_MAX for never.
  uint64_t remaining_ms() const;
  // For poll(): -1 for never, else the remaining milliseconds (at most INT_MAX).
  int poll_timeout_ms() const;
  bool is_never() const { return at_ms_ == UINT64_MAX; }
  Deadline earlier(Deadline other) const { return at_ms_ <= other.at_ms_ ? *this : other; }

 private:
  explicit Deadline(uint64_t at_ms) : at_ms_(at_ms) {}
  uint64_t at_ms_;
};

// poll()s fd for the events (POLLIN, POLLOUT) until ready or the deadline.
// The error says what was waited for ("reading the response") and that time
// ran out (errno ETIMEDOUT), or names the poll failure. POLLERR/POLLHUP count
// as ready: the following read or write reports them.
Status wait_for_fd(int fd, short events, Deadline deadline, const char *what);

}  // namespace bp
