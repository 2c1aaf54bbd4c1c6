// parallel_ranges: every index is visited exactly once, whatever the split.
#include <atomic>
#include <vector>

#include "lib/core/parallel.h"
#include "tests/unit/test_support.h"

namespace {

void test_parallel_ranges_cover_everything_once(void **) {
  for (unsigned threads : {1u, 2u, 5u, 100u}) {
    for (uint64_t count : {0ull, 1ull, 3ull, 1000ull}) {
      std::vector<std::atomic<int>> hits(count);
      bp::parallel_ranges(count, threads, [&](uint64_t begin, uint64_t end) {
        for (uint64_t i = begin; i < end; ++i) hits[i]++;
      });
      for (auto &h : hits) assert_int_equal(h.load(), 1);
    }
  }
  assert_true(bp::online_cpus() >= 1);
}

}  // namespace

RUN_TESTS("core/parallel", cmocka_unit_test(test_parallel_ranges_cover_everything_once))
