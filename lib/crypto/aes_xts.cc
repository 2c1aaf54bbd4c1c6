#include "lib/crypto/aes_xts.h"

#include <mbedtls/aes.h>

#include <new>

#include "lib/core/byte_order.h"
#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

struct XtsKeys {
  mbedtls_aes_xts_context encrypt;
  mbedtls_aes_xts_context decrypt;
};

XtsKeys *keys(SecretBytes &state) { return reinterpret_cast<XtsKeys *>(state.data()); }

// mbedtls_aes_crypt_xts's limit on one data unit.
constexpr size_t kMaxUnitSize = size_t{1} << 24;

Status check_unit_size(size_t size) {
  if (size < 16 || size > kMaxUnitSize || size % 16 != 0) {
    return Error(format("aes-xts: data unit of %zu bytes (expected a multiple of 16 from 16 to %zu)", size,
                        kMaxUnitSize));
  }
  return {};
}

}  // namespace

Result<AesXts> AesXts::create(ByteView key) {
  if (key.size() != 32 && key.size() != 64) {
    return Error(format("aes-xts: key has %zu bytes, expected 32 (AES-128) or 64 (AES-256)", key.size()));
  }
  size_t half = key.size() / 2;
  if (constant_time_equal(key.subview(0, half), key.subview(half, half))) {
    return Error("aes-xts: data key and tweak key are equal");
  }
  SecretBytes state = TRY(SecretBytes::allocate(sizeof(XtsKeys)));
  XtsKeys *k = new (state.data()) XtsKeys;
  mbedtls_aes_xts_init(&k->encrypt);
  mbedtls_aes_xts_init(&k->decrypt);
  AesXts xts(std::move(state));
  unsigned int bits = static_cast<unsigned int>(key.size() * 8);
  int rc = mbedtls_aes_xts_setkey_enc(&k->encrypt, key.data(), bits);
  if (rc == 0) rc = mbedtls_aes_xts_setkey_dec(&k->decrypt, key.data(), bits);
  if (rc != 0) return mbedtls_error("aes-xts: key setup", rc);
  return xts;
}

AesXts &AesXts::operator=(AesXts &&other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}

AesXts::~AesXts() { release(); }

void AesXts::release() {
  if (state_.empty()) return;
  mbedtls_aes_xts_free(&keys(state_)->encrypt);
  mbedtls_aes_xts_free(&keys(state_)->decrypt);
  state_.wipe();
}

Status AesXts::encrypt_unit(uint64_t unit, const uint8_t *in, uint8_t *out, size_t size) {
  return crypt_sectors(true, unit, size, in, out, size);
}

Status AesXts::decrypt_unit(uint64_t unit, const uint8_t *in, uint8_t *out, size_t size) {
  return crypt_sectors(false, unit, size, in, out, size);
}

Status AesXts::encrypt_sectors(uint64_t first_sector, size_t sector_size, const uint8_t *in, uint8_t *out,
                               size_t size) {
  if (sector_size != 512 && sector_size != 1024 && sector_size != 2048 && sector_size != 4096) {
    return Error(format("aes-xts: sector size %zu (expected 512, 1024, 2048 or 4096)", sector_size));
  }
  return crypt_sectors(true, first_sector, sector_size, in, out, size);
}

Status AesXts::decrypt_sectors(uint64_t first_sector, size_t sector_size, const uint8_t *in, uint8_t *out,
                               size_t size) {
  if (sector_size != 512 && sector_size != 1024 && sector_size != 2048 && sector_size != 4096) {
    return Error(format("aes-xts: sector size %zu (expected 512, 1024, 2048 or 4096)", sector_size));
  }
  return crypt_sectors(false, first_sector, sector_size, in, out, size);
}

Status AesXts::crypt_sectors(bool encrypt, uint64_t first_sector, size_t sector_size, const uint8_t *in,
                             uint8_t *out, size_t size) {
  if (state_.empty()) return Error("aes-xts: context was moved from");
  TRY(check_unit_size(sector_size));
  if (size % sector_size != 0) {
    return Error(format("aes-xts: %zu bytes is not a whole number of %zu-byte sectors", size, sector_size));
  }
  uint64_t count = size / sector_size;
  if (count > 0 && count - 1 > UINT64_MAX - first_sector) {
    return Error(format("aes-xts: sector numbers overflow (first %llu, %llu sectors)",
                        static_cast<unsigned long long>(first_sector),
                        static_cast<unsigned long long>(count)));
  }
  mbedtls_aes_xts_context *context = encrypt ? &keys(state_)->encrypt : &keys(state_)->decrypt;
  int mode = encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT;
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t tweak[16] = {};
    store_le64(tweak, first_sector + i);
    int rc =
        mbedtls_aes_crypt_xts(context, mode, sector_size, tweak, in + i * sector_size, out + i * sector_size);
    if (rc != 0) return mbedtls_error("aes-xts", rc);
  }
  return {};
}

}  // namespace bp
