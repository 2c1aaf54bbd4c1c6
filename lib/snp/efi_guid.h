// GUIDs in the EFI (mixed-endian) byte order that OVMF's footer table and the
// SEV hashes table use: the first three fields little-endian, the last eight
// bytes as written.
#pragma once

#include <stdint.h>

#include <array>

#include "lib/core/bytes.h"

namespace bp {

using EfiGuid = std::array<uint8_t, 16>;

namespace efi_guid_detail {
constexpr uint8_t nibble(char c) {
  return static_cast<uint8_t>(c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                     : c - 'A' + 10);
}
constexpr uint8_t byte_at(const char *text, int pos) {
  return static_cast<uint8_t>(nibble(text[pos]) << 4 | nibble(text[pos + 1]));
}
}  // namespace efi_guid_detail

// From the canonical text form "aabbccdd-eeff-gghh-iijj-kkllmmnnoopp".
constexpr EfiGuid efi_guid(const char (&text)[37]) {
  using efi_guid_detail::byte_at;
  // Text position of each output byte: fields 1-3 reversed, the rest in order.
  constexpr int kPositions[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};
  EfiGuid out{};
  for (int i = 0; i < 16; ++i) out[static_cast<size_t>(i)] = byte_at(text, kPositions[i]);
  return out;
}

inline ByteView view(const EfiGuid &guid) { return ByteView(guid.data(), guid.size()); }

}  // namespace bp
