// AES key wrap (RFC 3394, NIST SP 800-38F "KW") with the default IV
// A6A6A6A6A6A6A6A6, as JWE's A128KW/A192KW/A256KW use it. Written on the AES
// block function because Debian builds mbedtls without MBEDTLS_NIST_KW_C.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

// kek: 16, 24 or 32 bytes. key: a multiple of 8 bytes, at least 16. The
// result is 8 bytes longer than key.
Result<Bytes> aes_key_wrap(ByteView kek, ByteView key);

// The inverse. The integrity check value is compared in constant time; on a
// mismatch the result is an error and the unwrapped bytes are wiped.
Result<SecretBytes> aes_key_unwrap(ByteView kek, ByteView wrapped);

}  // namespace bp
