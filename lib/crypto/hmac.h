// HMAC (RFC 2104) over any HashAlgorithm.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/hash.h"

namespace bp {

// The tag has hash_size(algorithm) bytes.
Result<Bytes> hmac(HashAlgorithm algorithm, ByteView key, ByteView message);

// Recomputes the tag and compares it in constant time; a wrong tag (or a tag
// of the wrong length) is an error.
Status hmac_verify(HashAlgorithm algorithm, ByteView key, ByteView message, ByteView expected_tag);

}  // namespace bp
