// Helpers for the libFuzzer targets: an invariant check that libFuzzer
// records as a crash, and a reader that cuts one input into fields.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <string_view>

#include "lib/core/bytes.h"

// A property the code under test promises; a violation is a bug just like a
// crash, so it aborts and libFuzzer keeps the input.
#define FUZZ_CHECK(condition)                                                    \
  do {                                                                           \
    if (!(condition)) bp::fuzz_invariant_failed(__FILE__, __LINE__, #condition); \
  } while (0)

namespace bp {

[[noreturn]] inline void fuzz_invariant_failed(const char *file, int line, const char *condition) {
  (void)fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line, condition);
  abort();
}

// Fields are taken from the front. Every take is clamped to what is left, so
// a short input yields short (possibly empty) fields rather than an error:
// the code under test must cope with those too. The seed generator
// (tests/fuzz/make-seeds.py) writes inputs in the same layouts.
class FuzzInput {
 public:
  FuzzInput(const uint8_t *data, size_t size) : rest_(data, size) {}

  uint8_t u8() {
    if (rest_.empty()) return 0;
    uint8_t v = rest_[0];
    rest_ = rest_.subview(1);
    return v;
  }

  ByteView bytes(size_t n) {
    ByteView taken = rest_.subview(0, n);
    rest_ = rest_.subview(taken.size());
    return taken;
  }

  // One length byte, then that many bytes.
  ByteView short_field() { return bytes(u8()); }

  ByteView rest() { return bytes(rest_.size()); }

 private:
  ByteView rest_;
};

inline std::string_view as_text(const uint8_t *data, size_t size) {
  return std::string_view(reinterpret_cast<const char *>(data), size);
}

}  // namespace bp
