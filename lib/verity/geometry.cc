#include "lib/verity/geometry.h"

#include "lib/core/format.h"

namespace bp {

namespace {

bool is_valid_block_size(uint32_t size) {
  return size >= kVerityMinBlockSize && size <= kVerityMaxBlockSize && (size & (size - 1)) == 0;
}

unsigned log2_of(uint32_t power_of_two) {
  unsigned bits = 0;
  while ((1u << bits) < power_of_two) ++bits;
  return bits;
}

}  // namespace

Status validate_verity_geometry(const VerityGeometry &g) {
  if (!is_valid_block_size(g.data_block_size)) {
    return Error(format("data block size %u is not a power of two in 512..4096", g.data_block_size));
  }
  if (!is_valid_block_size(g.hash_block_size)) {
    return Error(format("hash block size %u is not a power of two in 512..4096", g.hash_block_size));
  }
  if (g.data_blocks == 0) return Error("no data blocks: the data is smaller than one data block");
  if (g.data_blocks > (UINT64_MAX >> 1) / g.data_block_size) {
    return Error(format("%llu data blocks of %u bytes is too large",
                        static_cast<unsigned long long>(g.data_blocks), g.data_block_size));
  }
  if (g.salt.size() > kVerityMaxSaltSize) {
    return Error(format("salt of %zu bytes is longer than %zu", g.salt.size(), kVerityMaxSaltSize));
  }
  return {};
}

Result<VerityTreeLayout> verity_tree_layout(const VerityGeometry &g) {
  TRY(validate_verity_geometry(g));
  // Digests are stored in power-of-two slots; SHA-256's 32 bytes already are.
  const unsigned bits = log2_of(g.hash_block_size / kVerityDigestSize);
  unsigned levels = 0;
  while (levels * bits < 64 && ((g.data_blocks - 1) >> (levels * bits)) != 0) ++levels;
  VerityTreeLayout layout;
  layout.levels.resize(levels);
  for (unsigned i = 0; i < levels; ++i) {
    const unsigned shift = (i + 1) * bits;
    layout.levels[i].blocks = shift >= 64 ? 1 : ((g.data_blocks - 1) >> shift) + 1;
  }
  // The top level comes first on disk, then each level below it.
  uint64_t next = 0;
  for (unsigned i = levels; i-- > 0;) {
    layout.levels[i].first_block = next;
    next += layout.levels[i].blocks;
  }
  layout.total_blocks = next;
  return layout;
}

uint64_t verity_hash_start_block(uint64_t hash_offset, uint32_t hash_block_size, bool superblock) {
  if (!superblock) return hash_offset / hash_block_size;
  return (hash_offset + kVeritySuperblockSize + hash_block_size - 1) / hash_block_size;
}

}  // namespace bp
