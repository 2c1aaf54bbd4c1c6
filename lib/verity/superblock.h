// The 512-byte verity superblock veritysetup writes at the hash offset
// (cryptsetup lib/verity/verity.c, struct verity_sb; little-endian). The
// kernel never reads it. In the guest it comes from the host's disk, so the
// parser treats it as untrusted: every field is checked and only what this
// project supports (format 1, SHA-256, 512..4096-byte blocks) is accepted.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/uuid.h"
#include "lib/verity/geometry.h"

namespace bp {

struct VeritySuperblock {
  VerityGeometry geometry;
  Uuid uuid{};
};

Bytes encode_verity_superblock(const VeritySuperblock &superblock);

// bytes: at least the 512 bytes at the hash offset (more is ignored).
Result<VeritySuperblock> parse_verity_superblock(ByteView bytes);

}  // namespace bp
