// SHA-256 block compression with the x86 SHA extensions ("SHA-NI"). The
// dm-verity tree hashes every 4 KiB block of an image, which makes this the
// hot loop of `bp-measure verity`; the extensions are several times faster
// than a portable implementation.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace bp {

// True when CPUID reports the SHA extensions, SSSE3 and SSE4.1 (the
// instructions sha256_ni_compress uses).
bool sha256_ni_supported();

// Applies the SHA-256 compression function (FIPS 180-4 section 6.2.2) to
// `count` consecutive 64-byte blocks. Callers check sha256_ni_supported().
void sha256_ni_compress(uint32_t state[8], const uint8_t *blocks, size_t count);

// Two independent compressions of `count` blocks each, interleaved (about
// 1.4 times the throughput of two sequential calls).
void sha256_ni_compress_x2(uint32_t state_a[8], const uint8_t *a, uint32_t state_b[8], const uint8_t *b,
                           size_t count);

}  // namespace bp
