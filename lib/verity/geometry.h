// dm-verity (hash format 1, SHA-256) geometry: block sizes, salt, and where
// each level of the hash tree lives (reference/disks.md section 3.2).
#pragma once

#include <stdint.h>

#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

constexpr size_t kVerityDigestSize = 32;  // SHA-256, the only algorithm supported
constexpr size_t kVerityMaxSaltSize = 256;
constexpr uint32_t kVerityMinBlockSize = 512;
constexpr uint32_t kVerityMaxBlockSize = 4096;  // the kernel's limit (page size)
constexpr size_t kVeritySuperblockSize = 512;

struct VerityGeometry {
  uint32_t data_block_size = 4096;
  uint32_t hash_block_size = 4096;
  uint64_t data_blocks = 0;
  Bytes salt;
};

// Block sizes powers of two in 512..4096, at least one data block, the data
// size within 2^63 bytes, salt at most 256 bytes.
Status validate_verity_geometry(const VerityGeometry &geometry);

struct VerityLevel {
  uint64_t first_block;  // in hash blocks from the start of the tree
  uint64_t blocks;
};

struct VerityTreeLayout {
  // levels[0] hashes the data blocks; levels.back() is the single top block
  // (stored first). Empty for one data block: the root hashes it directly.
  std::vector<VerityLevel> levels;
  uint64_t total_blocks = 0;
};

Result<VerityTreeLayout> verity_tree_layout(const VerityGeometry &geometry);

// The tree's first block in hash blocks from the start of the hash device,
// as veritysetup places it: after the 512-byte superblock at hash_offset,
// rounded up to a hash block, or at hash_offset without a superblock.
uint64_t verity_hash_start_block(uint64_t hash_offset, uint32_t hash_block_size, bool superblock);

}  // namespace bp
