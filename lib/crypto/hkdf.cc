#include "lib/crypto/hkdf.h"

#include <mbedtls/hkdf.h>

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

Status check_length(HashAlgorithm algorithm, size_t length) {
  size_t max = 255 * hash_size(algorithm);
  if (length == 0 || length > max) {
    return Error(
        format("hkdf-%s: output length %zu out of range (1..%zu)", hash_name(algorithm), length, max));
  }
  return {};
}

}  // namespace

Result<SecretBytes> hkdf(HashAlgorithm algorithm, ByteView ikm, ByteView salt, ByteView info, size_t length) {
  TRY(check_length(algorithm, length));
  SecretBytes okm = TRY(SecretBytes::allocate(length));
  int rc = mbedtls_hkdf(md_info(algorithm), salt.data(), salt.size(), ikm.data(), ikm.size(), info.data(),
                        info.size(), okm.data(), okm.size());
  if (rc != 0) return mbedtls_error(format("hkdf-%s", hash_name(algorithm)).c_str(), rc);
  return okm;
}

Result<SecretBytes> hkdf_extract(HashAlgorithm algorithm, ByteView ikm, ByteView salt) {
  SecretBytes prk = TRY(SecretBytes::allocate(hash_size(algorithm)));
  int rc =
      mbedtls_hkdf_extract(md_info(algorithm), salt.data(), salt.size(), ikm.data(), ikm.size(), prk.data());
  if (rc != 0) return mbedtls_error(format("hkdf-%s extract", hash_name(algorithm)).c_str(), rc);
  return prk;
}

Result<SecretBytes> hkdf_expand(HashAlgorithm algorithm, ByteView prk, ByteView info, size_t length) {
  TRY(check_length(algorithm, length));
  if (prk.size() < hash_size(algorithm)) {
    return Error(format("hkdf-%s expand: PRK has %zu bytes, expected at least %zu", hash_name(algorithm),
                        prk.size(), hash_size(algorithm)));
  }
  SecretBytes okm = TRY(SecretBytes::allocate(length));
  int rc = mbedtls_hkdf_expand(md_info(algorithm), prk.data(), prk.size(), info.data(), info.size(),
                               okm.data(), okm.size());
  if (rc != 0) return mbedtls_error(format("hkdf-%s expand", hash_name(algorithm)).c_str(), rc);
  return okm;
}

}  // namespace bp
