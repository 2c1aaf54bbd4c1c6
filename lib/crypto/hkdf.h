// HKDF (RFC 5869). Every output is key material, so it comes back as
// SecretBytes.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/hash.h"

namespace bp {

// Extract then expand. length is at most 255 * hash_size(algorithm).
Result<SecretBytes> hkdf(HashAlgorithm algorithm, ByteView ikm, ByteView salt, ByteView info, size_t length);

// The two halves, for protocols that keep the pseudorandom key (PRK).
Result<SecretBytes> hkdf_extract(HashAlgorithm algorithm, ByteView ikm, ByteView salt);
Result<SecretBytes> hkdf_expand(HashAlgorithm algorithm, ByteView prk, ByteView info, size_t length);

}  // namespace bp
