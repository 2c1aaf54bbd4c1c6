// PBKDF2 (RFC 8018 section 5.2) with HMAC. The derived key is key material,
// so it comes back as SecretBytes.
#pragma once

#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/hash.h"

namespace bp {

// iterations >= 1; 1 <= length < 2^32.
Result<SecretBytes> pbkdf2(HashAlgorithm algorithm, ByteView password, ByteView salt, uint32_t iterations,
                           size_t length);

inline Result<SecretBytes> pbkdf2_sha256(ByteView password, ByteView salt, uint32_t iterations,
                                         size_t length) {
  return pbkdf2(HashAlgorithm::sha256, password, salt, iterations, length);
}

}  // namespace bp
