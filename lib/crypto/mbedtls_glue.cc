#include "lib/crypto/mbedtls_glue.h"

#include <mbedtls/error.h>

#include "lib/core/format.h"

namespace bp {

Error mbedtls_error(const char *what, int code) {
  char text[128];
  mbedtls_strerror(code, text, sizeof text);
  return Error(format("%s: %s (-0x%04x)", what, text, static_cast<unsigned>(-code)));
}

mbedtls_md_type_t md_type(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1:
      return MBEDTLS_MD_SHA1;
    case HashAlgorithm::sha256:
      return MBEDTLS_MD_SHA256;
    case HashAlgorithm::sha384:
      return MBEDTLS_MD_SHA384;
    case HashAlgorithm::sha512:
      return MBEDTLS_MD_SHA512;
  }
  return MBEDTLS_MD_NONE;
}

const mbedtls_md_info_t *md_info(HashAlgorithm algorithm) {
  // Never null: every HashAlgorithm is compiled into Debian's mbedtls.
  return mbedtls_md_info_from_type(md_type(algorithm));
}

}  // namespace bp
