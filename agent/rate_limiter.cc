#include "agent/rate_limiter.h"

namespace bp {

bool RateLimiter::take(uint64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
  }
  if (now_ms > last_ms_) {
    // One token is 1000 milli-tokens; per_second tokens a second is
    // per_second milli-tokens a millisecond.
    uint64_t elapsed = now_ms - last_ms_;
    uint64_t refill = elapsed > capacity_milli_ ? capacity_milli_ : elapsed * per_second_;
    tokens_milli_ = tokens_milli_ + refill > capacity_milli_ ? capacity_milli_ : tokens_milli_ + refill;
    last_ms_ = now_ms;
  }
  if (tokens_milli_ < 1000) return false;
  tokens_milli_ -= 1000;
  return true;
}

}  // namespace bp
