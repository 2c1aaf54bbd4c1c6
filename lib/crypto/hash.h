// Hash functions chosen at run time (by a LUKS2 header field, a JOSE
// algorithm, ...). sha.h has the fixed-size SHA-2 API for code that knows
// its hash at compile time.
#pragma once

#include <string_view>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

// SHA-1 is here only for legacy formats and the RFC 6070 / RFC 5869 vectors;
// nothing new should choose it.
enum class HashAlgorithm { sha1, sha256, sha384, sha512 };

size_t hash_size(HashAlgorithm algorithm);
// Lower case, as LUKS2 and cryptsetup spell them: "sha1", "sha256", ...
const char *hash_name(HashAlgorithm algorithm);
Result<HashAlgorithm> parse_hash_name(std::string_view name);

Bytes hash(HashAlgorithm algorithm, ByteView data);

}  // namespace bp
