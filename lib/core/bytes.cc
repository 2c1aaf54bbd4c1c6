#include "lib/core/bytes.h"

#include <string.h>

namespace bp {

bool operator==(ByteView a, ByteView b) {
  return a.size() == b.size() && (a.empty() || memcmp(a.data(), b.data(), a.size()) == 0);
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

bool is_all_zero(ByteView bytes) {
  uint8_t any = 0;
  for (uint8_t b : bytes) any |= b;
  return any == 0;
}

}  // namespace bp
