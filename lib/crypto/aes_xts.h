// AES-XTS (IEEE 1619-2007) as dm-crypt's aes-xts-plain64 uses it: the tweak
// of a data unit is its number as a little-endian 64-bit integer padded with
// zeros to 16 bytes.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

class AesXts {
 public:
  // key: 32 bytes (AES-128-XTS) or 64 bytes (AES-256-XTS), the data key then
  // the tweak key (IEEE 1619 Key1 || Key2), the order dm-crypt and LUKS use.
  // Equal halves are refused (IEEE 1619-2018 and FIPS 140-3 require this).
  static Result<AesXts> create(ByteView key);

  AesXts(AesXts &&) noexcept = default;
  AesXts &operator=(AesXts &&other) noexcept;
  AesXts(const AesXts &) = delete;
  AesXts &operator=(const AesXts &) = delete;
  ~AesXts();

  // One data unit (sector) numbered `unit`. size is a multiple of 16 from 16
  // to 16 MiB (no ciphertext stealing: disk sectors never need it). in and
  // out are the same buffer or do not overlap.
  Status encrypt_unit(uint64_t unit, const uint8_t *in, uint8_t *out, size_t size);
  Status decrypt_unit(uint64_t unit, const uint8_t *in, uint8_t *out, size_t size);

  // Consecutive sectors of sector_size bytes (512, 1024, 2048 or 4096), the
  // first numbered first_sector, the next first_sector + 1, ... (LUKS2 and
  // dm-crypt's iv_large_sectors count in sector_size units). size is a
  // multiple of sector_size. in == out or no overlap.
  Status encrypt_sectors(uint64_t first_sector, size_t sector_size, const uint8_t *in, uint8_t *out,
                         size_t size);
  Status decrypt_sectors(uint64_t first_sector, size_t sector_size, const uint8_t *in, uint8_t *out,
                         size_t size);

 private:
  explicit AesXts(SecretBytes state) : state_(std::move(state)) {}
  void release();
  Status crypt_sectors(bool encrypt, uint64_t first_sector, size_t sector_size, const uint8_t *in,
                       uint8_t *out, size_t size);

  // The expanded encryption and decryption key schedules, in locked pages
  // (mbedtls contexts point into themselves, so the address must not move).
  SecretBytes state_;
};

}  // namespace bp
