#include "lib/core/parallel.h"

#include <pthread.h>
#include <unistd.h>

#include <vector>

namespace bp {

namespace {

struct Range {
  const std::function<void(uint64_t, uint64_t)> *work;
  uint64_t begin;
  uint64_t end;
};

void *run_range(void *arg) {
  const Range *r = static_cast<const Range *>(arg);
  (*r->work)(r->begin, r->end);
  return nullptr;
}

}  // namespace

unsigned online_cpus() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

void parallel_ranges(uint64_t count, unsigned threads, const std::function<void(uint64_t, uint64_t)> &work) {
  if (count == 0) return;
  uint64_t parts = threads == 0 ? 1 : threads;
  if (parts > count) parts = count;
  std::vector<Range> ranges;
  for (uint64_t i = 0; i < parts; ++i) ranges.push_back({&work, count * i / parts, count * (i + 1) / parts});

  std::vector<pthread_t> started;
  std::vector<const Range *> inline_ranges = {&ranges[0]};
  for (size_t i = 1; i < ranges.size(); ++i) {
    pthread_t t;
    if (pthread_create(&t, nullptr, run_range, &ranges[i]) == 0) {
      started.push_back(t);
    } else {
      inline_ranges.push_back(&ranges[i]);
    }
  }
  for (const Range *r : inline_ranges) work(r->begin, r->end);
  for (pthread_t t : started) pthread_join(t, nullptr);
}

}  // namespace bp
