#include "lib/crypto/aes_key_wrap.h"

#include <mbedtls/aes.h>
#include <mbedtls/platform_util.h>
#include <string.h>

#include <new>

#include "lib/core/byte_order.h"
#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

constexpr uint8_t kDefaultIv[8] = {0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6};

// An AES key schedule in locked pages, zeroed at scope end.
class AesBlock {
 public:
  static Result<AesBlock> create(ByteView kek, bool encrypt) {
    if (kek.size() != 16 && kek.size() != 24 && kek.size() != 32) {
      return Error(format("aes key wrap: KEK has %zu bytes, expected 16, 24 or 32", kek.size()));
    }
    SecretBytes storage = TRY(SecretBytes::allocate(sizeof(mbedtls_aes_context)));
    mbedtls_aes_init(new (storage.data()) mbedtls_aes_context);
    AesBlock block(std::move(storage), encrypt);
    unsigned int bits = static_cast<unsigned int>(kek.size() * 8);
    int rc = encrypt ? mbedtls_aes_setkey_enc(block.get(), kek.data(), bits)
                     : mbedtls_aes_setkey_dec(block.get(), kek.data(), bits);
    if (rc != 0) return mbedtls_error("aes key wrap: key setup", rc);
    return block;
  }
  AesBlock(AesBlock &&) noexcept = default;
  AesBlock &operator=(AesBlock &&) = delete;
  ~AesBlock() {
    if (!storage_.empty()) mbedtls_aes_free(get());
  }

  // In place on one 16-byte block; cannot fail with a valid key schedule.
  void crypt(uint8_t block[16]) {
    mbedtls_aes_crypt_ecb(get(), encrypt_ ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT, block, block);
  }

 private:
  AesBlock(SecretBytes storage, bool encrypt) : storage_(std::move(storage)), encrypt_(encrypt) {}
  mbedtls_aes_context *get() { return reinterpret_cast<mbedtls_aes_context *>(storage_.data()); }

  SecretBytes storage_;
  bool encrypt_;
};

void xor_counter(uint8_t a[8], uint64_t t) {
  uint8_t counter[8];
  store_be64(counter, t);
  for (int i = 0; i < 8; ++i) a[i] ^= counter[i];
}

}  // namespace

Result<Bytes> aes_key_wrap(ByteView kek, ByteView key) {
  if (key.size() < 16 || key.size() % 8 != 0) {
    return Error(
        format("aes key wrap: key data has %zu bytes, expected a multiple of 8, at least 16", key.size()));
  }
  AesBlock aes = TRY(AesBlock::create(kek, true));
  size_t n = key.size() / 8;
  // Until the last round, R holds bytes derived from the plaintext key: keep
  // them in locked memory.
  SecretBytes r = TRY(SecretBytes::copy_of(key));
  uint8_t b[16];
  memcpy(b, kDefaultIv, 8);
  for (uint64_t j = 0; j < 6; ++j) {
    for (size_t i = 0; i < n; ++i) {
      memcpy(b + 8, r.data() + 8 * i, 8);
      aes.crypt(b);
      xor_counter(b, n * j + i + 1);
      memcpy(r.data() + 8 * i, b + 8, 8);
    }
  }
  Bytes wrapped(key.size() + 8);
  memcpy(wrapped.data(), b, 8);
  memcpy(wrapped.data() + 8, r.data(), key.size());
  mbedtls_platform_zeroize(b, sizeof b);
  return wrapped;
}

Result<SecretBytes> aes_key_unwrap(ByteView kek, ByteView wrapped) {
  if (wrapped.size() < 24 || wrapped.size() % 8 != 0) {
    return Error(format("aes key unwrap: wrapped key has %zu bytes, expected a multiple of 8, at least 24",
                        wrapped.size()));
  }
  AesBlock aes = TRY(AesBlock::create(kek, false));
  size_t n = wrapped.size() / 8 - 1;
  SecretBytes r = TRY(SecretBytes::copy_of(wrapped.subview(8)));
  uint8_t b[16];
  memcpy(b, wrapped.data(), 8);
  for (uint64_t j = 6; j-- > 0;) {
    for (size_t i = n; i-- > 0;) {
      xor_counter(b, n * j + i + 1);
      memcpy(b + 8, r.data() + 8 * i, 8);
      aes.crypt(b);
      memcpy(r.data() + 8 * i, b + 8, 8);
    }
  }
  bool intact = constant_time_equal(ByteView(b, 8), ByteView(kDefaultIv, 8));
  mbedtls_platform_zeroize(b, sizeof b);
  if (!intact) {
    r.wipe();
    return Error("aes key unwrap: integrity check failed (wrong KEK or corrupted data)");
  }
  return r;
}

}  // namespace bp
