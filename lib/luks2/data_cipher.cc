#include "lib/luks2/data_cipher.h"

#include "lib/core/format.h"

namespace bp {

Result<Luks2DataCipher> Luks2DataCipher::create(const Luks2Segment &segment, ByteView volume_key) {
  if (segment.integrity != Luks2Integrity::none) {
    return Error("software encryption of a segment with integrity is not supported");
  }
  if (segment.sector_size != 512 && segment.sector_size != 4096) {
    return Error(format("sector size %u, expected 512 or 4096", segment.sector_size));
  }
  AesXts cipher = TRY(AesXts::create(volume_key));
  return Luks2DataCipher(std::move(cipher), segment.sector_size);
}

Status Luks2DataCipher::crypt(bool encrypt, uint64_t offset, uint8_t *buffer, size_t size) {
  if (offset % sector_size_ != 0 || size % sector_size_ != 0) {
    return Error(format("segment I/O at offset %llu of %zu bytes is not in whole %u-byte sectors",
                        static_cast<unsigned long long>(offset), size, sector_size_));
  }
  // iv_tweak is "0" (the allow-list admits nothing else).
  for (size_t done = 0; done < size; done += sector_size_) {
    uint64_t iv = (offset + done) / 512;
    if (encrypt) {
      TRY(cipher_.encrypt_unit(iv, buffer + done, buffer + done, sector_size_));
    } else {
      TRY(cipher_.decrypt_unit(iv, buffer + done, buffer + done, sector_size_));
    }
  }
  return {};
}

Status Luks2DataCipher::encrypt(uint64_t offset, uint8_t *buffer, size_t size) {
  return crypt(true, offset, buffer, size);
}

Status Luks2DataCipher::decrypt(uint64_t offset, uint8_t *buffer, size_t size) {
  return crypt(false, offset, buffer, size);
}

}  // namespace bp
