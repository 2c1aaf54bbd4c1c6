// Shared by lib/crypto/*.cc only (never include it elsewhere: the point of
// the public headers is that mbedtls types stay out of them).
#pragma once

#include <mbedtls/md.h>

#include "lib/core/error.h"
#include "lib/crypto/hash.h"

namespace bp {

// "what: <mbedtls's description> (-0x....)".
Error mbedtls_error(const char *what, int code);

const mbedtls_md_info_t *md_info(HashAlgorithm algorithm);
mbedtls_md_type_t md_type(HashAlgorithm algorithm);

}  // namespace bp
