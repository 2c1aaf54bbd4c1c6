// The LUKS anti-forensic splitter (cryptsetup lib/luks1/af.c, LUKS1 and LUKS2
// "luks1" af type) with sha256 diffusion: a key of n bytes becomes
// stripes * n bytes of material, all of which are needed to get it back, so
// wiping any part of a keyslot area destroys the key.
#pragma once

#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

// Material of stripes * key.size() bytes: the first stripes - 1 blocks are
// `random` (exactly (stripes - 1) * key.size() bytes, from a CSPRNG), the last
// is key XOR the diffused chain.
Result<SecretBytes> af_split(ByteView key, uint32_t stripes, ByteView random);

// The key from material of stripes * key_size bytes.
Result<SecretBytes> af_merge(ByteView material, size_t key_size, uint32_t stripes);

}  // namespace bp
