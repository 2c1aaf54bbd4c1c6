// Monotonic time (in the guest: time since boot, like the kernel's log).
#pragma once

#include <stdint.h>

namespace bp {

uint64_t monotonic_ms();
uint64_t monotonic_us();

}  // namespace bp
