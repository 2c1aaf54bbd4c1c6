// AES-GCM (NIST SP 800-38D) with a full 16-byte tag, one message per call.
#pragma once

#include <array>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

constexpr size_t kAesGcmTagSize = 16;
using AesGcmTag = std::array<uint8_t, kAesGcmTagSize>;

struct AesGcmCiphertext {
  Bytes ciphertext;
  AesGcmTag tag;
};

// key: 16, 24 or 32 bytes. iv: any non-empty length; 12 bytes is the
// standard choice (other lengths are hashed into the counter block) and must
// never repeat under one key.
Result<AesGcmCiphertext> aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext);

// Checks the tag in constant time before anything is returned: on a mismatch
// the result is an error and the decrypted bytes are wiped, never exposed.
// The plaintext is treated as secret (it is usually a key).
Result<SecretBytes> aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext,
                                    ByteView tag);

}  // namespace bp
