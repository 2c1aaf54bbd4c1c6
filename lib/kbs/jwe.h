// Decrypting the KBS resource response: a flattened JWE JSON (RFC 7516
// section 7.2.2) with alg ECDH-ES+A256KW (RFC 7518 section 4.6: ECDH with
// the ephemeral "epk", Concat KDF over SHA-256, AES-256 key wrap of the
// content key) and enc A256GCM, whose AAD is the ASCII of the "protected"
// member as received (plus "." and "aad" when present). Header parameters
// may sit in "protected" (Trustee) or in the unprotected "unprotected" and
// "header" members (jwcrypto puts epk there); a name in two of them is an
// error. Anything else (other algorithms, "zip", "crit", the general
// syntax with "recipients") is refused by name.
#pragma once

#include <string_view>

#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/ec.h"
#include "lib/crypto/random.h"
#include "lib/json/json.h"

namespace bp::kbs {

// Concat KDF (NIST SP 800-56A 5.8.1, as RFC 7518 4.6.2 instantiates it):
// OtherInfo = len||AlgorithmID || len||PartyUInfo || len||PartyVInfo || keydatalen (bits, u32 BE).
Result<SecretBytes> concat_kdf_sha256(ByteView shared_secret, std::string_view algorithm_id, ByteView apu,
                                      ByteView apv, size_t key_bits);

// The plaintext (the resource), in locked memory.
Result<SecretBytes> decrypt_jwe(const Json &jwe, const EcPrivateKey &key, Random &random);

}  // namespace bp::kbs
