#include "lib/core/clock.h"

#include <time.h>

namespace bp {

uint64_t monotonic_us() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

uint64_t monotonic_ms() { return monotonic_us() / 1000u; }

}  // namespace bp
