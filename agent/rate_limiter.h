// A token bucket: bursts up to `burst` requests, then `per_second` on
// average. Time is passed in, so tests need no clock.
#pragma once

#include <stdint.h>

namespace bp {

class RateLimiter {
 public:
  RateLimiter(uint32_t per_second, uint32_t burst)
      : per_second_(per_second), capacity_milli_(uint64_t{burst} * 1000), tokens_milli_(capacity_milli_) {}

  // Whether one more request may go now (and counts it if so).
  bool take(uint64_t now_ms);

 private:
  uint64_t per_second_;
  uint64_t capacity_milli_;
  uint64_t tokens_milli_;
  uint64_t last_ms_ = 0;
  bool started_ = false;
};

}  // namespace bp
