#include "lib/core/deadline.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>

#include "lib/core/clock.h"
#include "lib/core/format.h"

namespace bp {

Deadline Deadline::after_ms(uint64_t ms) {
  uint64_t now = monotonic_ms();
  return Deadline(ms >= UINT64_MAX - now ? UINT64_MAX - 1 : now + ms);
}

bool Deadline::expired() const { return !is_never() && monotonic_ms() >= at_ms_; }

uint64_t Deadline::remaining_ms() const {
  if (is_never()) return UINT64_MAX;
  uint64_t now = monotonic_ms();
  return now >= at_ms_ ? 0 : at_ms_ - now;
}

int Deadline::poll_timeout_ms() const {
  if (is_never()) return -1;
  uint64_t left = remaining_ms();
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

Status wait_for_fd(int fd, short events, Deadline deadline, const char *what) {
  for (;;) {
    struct pollfd p = {fd, events, 0};
    int timeout = deadline.poll_timeout_ms();
    int n = poll(&p, 1, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(format("poll while %s", what), errno);
    }
    if (n > 0) return {};
    if (deadline.expired()) return Error(format("timed out %s", what), ETIMEDOUT);
  }
}

}  // namespace bp
