// The LUKS2 JSON metadata after validation against our allow-list, as typed
// values. Only what the allow-list admits can be represented: aes-xts-plain64
// everywhere, pbkdf2-sha256 keyslots with the luks1/sha256/4000 AF splitter,
// one crypt segment, one pbkdf2-sha256 digest, no tokens.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/core/bytes.h"

namespace bp {

constexpr uint32_t kLuks2AfStripes = 4000;
constexpr size_t kLuks2SaltSize = 32;
constexpr uint32_t kLuks2MinIterations = 1000;
constexpr size_t kLuks2HmacKeySize = 32;  // hmac(sha256) integrity key after the XTS key

enum class Luks2Integrity { none, hmac_sha256 };

struct Luks2Keyslot {
  uint32_t id = 0;
  uint32_t key_size = 0;  // bytes of the volume key this slot stores
  uint64_t area_offset = 0;
  uint64_t area_size = 0;
  uint32_t area_key_size = 0;  // aes-xts-plain64 key for the area: 32 or 64
  uint32_t iterations = 0;     // pbkdf2-sha256
  Bytes salt;                  // 32 bytes
  std::optional<uint32_t> priority;
};

struct Luks2Segment {
  uint64_t offset = 0;           // bytes from the start of the device
  std::optional<uint64_t> size;  // bytes; none: "dynamic" (to the end of the device)
  uint32_t sector_size = 512;    // 512 or 4096
  Luks2Integrity integrity = Luks2Integrity::none;
};

struct Luks2Digest {
  std::vector<uint32_t> keyslots;
  uint32_t iterations = 0;  // pbkdf2-sha256
  Bytes salt;               // 32 bytes
  Bytes digest;             // 32 bytes
};

struct Luks2Config {
  uint64_t json_size = 0;
  uint64_t keyslots_size = 0;
  std::vector<std::string> flags;  // persistent activation flags (not used: our tables are fixed)
};

struct Luks2Metadata {
  std::vector<Luks2Keyslot> keyslots;
  Luks2Segment segment;
  Luks2Digest digest;
  Luks2Config config;

  // Bytes of the volume key: the XTS key plus, with integrity, the HMAC key.
  uint32_t volume_key_size() const { return keyslots.empty() ? 0 : keyslots[0].key_size; }
};

// Bytes of AF material for a key: key_size * 4000 rounded up to 512-byte sectors.
inline uint64_t luks2_af_material_size(uint64_t key_size) {
  return (key_size * kLuks2AfStripes + 511) / 512 * 512;
}

}  // namespace bp
