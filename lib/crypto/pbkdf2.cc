#include "lib/crypto/pbkdf2.h"

#include <mbedtls/pkcs5.h>

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

// Owns an HMAC-capable mbedtls_md_context_t (its inner and outer pads are
// derived from the password).
class MdContext {
 public:
  MdContext() { mbedtls_md_init(&context_); }
  ~MdContext() { mbedtls_md_free(&context_); }
  MdContext(const MdContext &) = delete;
  MdContext &operator=(const MdContext &) = delete;
  mbedtls_md_context_t *get() { return &context_; }

 private:
  mbedtls_md_context_t context_;
};

}  // namespace

Result<SecretBytes> pbkdf2(HashAlgorithm algorithm, ByteView password, ByteView salt, uint32_t iterations,
                           size_t length) {
  if (iterations == 0)
    return Error(format("pbkdf2-%s: iteration count must be at least 1", hash_name(algorithm)));
  if (length == 0 || length > UINT32_MAX) {
    return Error(format("pbkdf2-%s: output length %zu out of range (1..%u)", hash_name(algorithm), length,
                        UINT32_MAX));
  }
  MdContext context;
  int rc = mbedtls_md_setup(context.get(), md_info(algorithm), /*hmac=*/1);
  if (rc != 0) return mbedtls_error(format("pbkdf2-%s setup", hash_name(algorithm)).c_str(), rc);
  SecretBytes key = TRY(SecretBytes::allocate(length));
  rc = mbedtls_pkcs5_pbkdf2_hmac(context.get(), password.data(), password.size(), salt.data(), salt.size(),
                                 iterations, static_cast<uint32_t>(length), key.data());
  if (rc != 0) return mbedtls_error(format("pbkdf2-%s", hash_name(algorithm)).c_str(), rc);
  return key;
}

}  // namespace bp
