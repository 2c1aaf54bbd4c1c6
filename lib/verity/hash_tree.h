// Building and checking a dm-verity hash tree in memory. The data is a byte
// view (typically a mapped image); the tree is small (1/128 of the data with
// 4 KiB blocks) and is returned as one buffer to be written at the hash
// start block.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/sha.h"
#include "lib/verity/geometry.h"

namespace bp {

struct VerityHashTree {
  Bytes blocks;  // layout.total_blocks hash blocks, top level first
  Sha256Digest root;
};

// data must hold at least data_blocks * data_block_size bytes; more is
// ignored. Each level is hashed on up to `threads` threads.
Result<VerityHashTree> build_verity_hash_tree(const VerityGeometry &geometry, ByteView data,
                                              unsigned threads = 1);

// Recomputes the tree and compares it with stored_tree (the bytes at the
// hash start block) and with the expected root. The error names the first
// hash block that differs, or the root.
Status verify_verity_hash_tree(const VerityGeometry &geometry, ByteView data, ByteView stored_tree,
                               ByteView expected_root, unsigned threads = 1);

}  // namespace bp
