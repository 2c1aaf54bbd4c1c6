#include "lib/crypto/asn1_oid.h"

#include <stdint.h>

#include "lib/core/format.h"

namespace bp {

Result<std::string> oid_to_string(ByteView contents) {
  if (contents.empty()) return Error("object identifier: empty");
  std::string text;
  uint64_t value = 0;
  bool arc_started = false;
  bool first_arc = true;
  for (size_t i = 0; i < contents.size(); ++i) {
    uint8_t b = contents[i];
    if (!arc_started && b == 0x80) {
      return Error(format("object identifier: non-minimal arc encoding at offset %zu", i));
    }
    if (value > (UINT64_MAX >> 7))
      return Error(format("object identifier: arc wider than 64 bits at offset %zu", i));
    value = value << 7 | (b & 0x7f);
    arc_started = true;
    if (b & 0x80) continue;
    if (first_arc) {
      // The first subidentifier packs two arcs: 40 * X + Y with X in 0..2.
      uint64_t top = value < 40 ? 0 : value < 80 ? 1 : 2;
      text = format("%llu.%llu", static_cast<unsigned long long>(top),
                    static_cast<unsigned long long>(value - 40 * top));
      first_arc = false;
    } else {
      text += format(".%llu", static_cast<unsigned long long>(value));
    }
    value = 0;
    arc_started = false;
  }
  if (arc_started) return Error("object identifier: truncated last arc");
  return text;
}

}  // namespace bp
