// A byte stream to a peer (plain TCP or TLS over it) whose every operation
// ends by a deadline, so a slow or silent peer cannot hold the caller.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/deadline.h"
#include "lib/core/result.h"

namespace bp {

class Stream {
 public:
  virtual ~Stream() = default;
  // Reads up to size bytes as soon as some are available; 0 means the peer
  // ended the stream. Times out with errno ETIMEDOUT.
  virtual Result<size_t> read_some(uint8_t *out, size_t size, Deadline deadline) = 0;
  virtual Status write_all(ByteView data, Deadline deadline) = 0;
};

}  // namespace bp
