// Splitting a loop over threads. POSIX threads directly: std::thread pulls
// glibc's unwinder into the static musl link (`_dl_find_object`).
#pragma once

#include <stdint.h>

#include <functional>

namespace bp {

// Online CPUs, at least 1.
unsigned online_cpus();

// Calls work(begin, end) for contiguous ranges covering [0, count), at most
// `threads` of them, each on its own thread (one on the calling thread), and
// returns when all have finished. The ranges must not share mutable state.
// If a thread cannot be started, its range runs on the calling thread.
void parallel_ranges(uint64_t count, unsigned threads, const std::function<void(uint64_t, uint64_t)> &work);

}  // namespace bp
