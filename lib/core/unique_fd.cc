#include "lib/core/unique_fd.h"

#include <unistd.h>

namespace bp {

void UniqueFd::reset(int fd) {
  // close() is not retried on EINTR: on Linux the descriptor is gone anyway.
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

}  // namespace bp
