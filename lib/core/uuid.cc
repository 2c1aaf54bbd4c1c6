#include "lib/core/uuid.h"

#include "lib/core/encoding.h"

namespace bp {

Result<Uuid> parse_uuid(std::string_view text) {
  const Error invalid("invalid UUID '" + std::string(text) +
                      "': expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  if (text.size() != 36) return invalid;
  std::string hex;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return invalid;
    } else {
      hex += text[i];
    }
  }
  auto bytes = hex_decode(hex);
  if (!bytes.ok()) return invalid;
  Uuid out;
  std::copy(bytes.value().begin(), bytes.value().end(), out.begin());
  return out;
}

std::string format_uuid(const Uuid &uuid) {
  std::string hex = hex_encode(ByteView(uuid.data(), uuid.size()));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

Uuid uuid_v4_from_random(const Uuid &random) {
  Uuid out = random;
  out[6] = static_cast<uint8_t>((out[6] & 0x0f) | 0x40);
  out[8] = static_cast<uint8_t>((out[8] & 0x3f) | 0x80);
  return out;
}

}  // namespace bp
