// Software encryption of a LUKS2 crypt segment, bit-identical to dm-crypt's
// aes-xts-plain64 as cryptsetup sets it up for LUKS2: the IV of a sector is
// its offset in the segment in 512-byte units plus iv_tweak, also with
// 4096-byte sectors (LUKS2 never sets iv_large_sectors). The image pipeline
// uses it to write an encrypted root disk without device-mapper.
#pragma once

#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/aes_xts.h"
#include "lib/luks2/metadata.h"

namespace bp {

class Luks2DataCipher {
 public:
  // For the segment of a volume whose volume key is volume_key. Segments
  // with integrity are refused: their sectors live in dm-integrity's layout.
  static Result<Luks2DataCipher> create(const Luks2Segment &segment, ByteView volume_key);

  // buffer holds whole sectors starting at byte `offset` of the segment
  // (a multiple of the sector size); encrypted or decrypted in place.
  Status encrypt(uint64_t offset, uint8_t *buffer, size_t size);
  Status decrypt(uint64_t offset, uint8_t *buffer, size_t size);

  uint32_t sector_size() const { return sector_size_; }

 private:
  Luks2DataCipher(AesXts cipher, uint32_t sector_size)
      : cipher_(std::move(cipher)), sector_size_(sector_size) {}
  Status crypt(bool encrypt, uint64_t offset, uint8_t *buffer, size_t size);

  AesXts cipher_;
  uint32_t sector_size_;
};

}  // namespace bp
