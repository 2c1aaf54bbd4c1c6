#include "lib/crypto/aes_gcm.h"

#include <mbedtls/gcm.h>

#include <new>

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

// A GCM context keyed for one call; its key schedule and hash subkey live
// in locked pages and are zeroed at scope end.
class GcmContext {
 public:
  static Result<GcmContext> create(ByteView key) {
    if (key.size() != 16 && key.size() != 24 && key.size() != 32) {
      return Error(format("aes-gcm: key has %zu bytes, expected 16, 24 or 32", key.size()));
    }
    SecretBytes storage = TRY(SecretBytes::allocate(sizeof(mbedtls_gcm_context)));
    mbedtls_gcm_init(new (storage.data()) mbedtls_gcm_context);
    GcmContext context(std::move(storage));
    int rc = mbedtls_gcm_setkey(context.get(), MBEDTLS_CIPHER_ID_AES, key.data(),
                                static_cast<unsigned int>(key.size() * 8));
    if (rc != 0) return mbedtls_error("aes-gcm: key setup", rc);
    return context;
  }
  GcmContext(GcmContext &&) noexcept = default;
  GcmContext &operator=(GcmContext &&) = delete;
  ~GcmContext() {
    if (!storage_.empty()) mbedtls_gcm_free(get());
  }
  mbedtls_gcm_context *get() { return reinterpret_cast<mbedtls_gcm_context *>(storage_.data()); }

 private:
  explicit GcmContext(SecretBytes storage) : storage_(std::move(storage)) {}
  SecretBytes storage_;
};

Status check_iv(ByteView iv) {
  if (iv.empty()) return Error("aes-gcm: empty IV");
  return {};
}

}  // namespace

Result<AesGcmCiphertext> aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext) {
  TRY(check_iv(iv));
  GcmContext context = TRY(GcmContext::create(key));
  AesGcmCiphertext out;
  out.ciphertext.resize(plaintext.size());
  int rc = mbedtls_gcm_crypt_and_tag(context.get(), MBEDTLS_GCM_ENCRYPT, plaintext.size(), iv.data(),
                                     iv.size(), aad.data(), aad.size(), plaintext.data(),
                                     out.ciphertext.data(), out.tag.size(), out.tag.data());
  if (rc != 0) return mbedtls_error("aes-gcm: encrypt", rc);
  return out;
}

Result<SecretBytes> aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext,
                                    ByteView tag) {
  TRY(check_iv(iv));
  if (tag.size() != kAesGcmTagSize) {
    return Error(format("aes-gcm: tag has %zu bytes, expected %zu", tag.size(), kAesGcmTagSize));
  }
  GcmContext context = TRY(GcmContext::create(key));
  SecretBytes plaintext = TRY(SecretBytes::allocate(ciphertext.size()));
  // mbedtls compares the tag in constant time and zeroes the output when it
  // does not match; the SecretBytes is then wiped when it goes out of scope.
  int rc = mbedtls_gcm_auth_decrypt(context.get(), ciphertext.size(), iv.data(), iv.size(), aad.data(),
                                    aad.size(), tag.data(), tag.size(), ciphertext.data(), plaintext.data());
  if (rc == MBEDTLS_ERR_GCM_AUTH_FAILED) return Error("aes-gcm: authentication tag mismatch");
  if (rc != 0) return mbedtls_error("aes-gcm: decrypt", rc);
  return plaintext;
}

}  // namespace bp
