#include "lib/verity/hash_tree.h"

#include <string.h>

#include <algorithm>

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/core/parallel.h"

namespace bp {

namespace {

// Writes H(salt || block) for `count` input blocks into consecutive 32-byte
// slots. Slots of a hash block past the last digest stay zero.
void hash_blocks(const Sha256 &salted, const uint8_t *input, size_t block_size, uint64_t count, uint8_t *out,
                 unsigned threads) {
  parallel_ranges(count, threads, [&](uint64_t begin, uint64_t end) {
    Sha256Digest first, second;
    uint64_t i = begin;
    for (; i + 1 < end; i += 2) {
      salted.finish_pair(ByteView(input + i * block_size, block_size),
                         ByteView(input + (i + 1) * block_size, block_size), &first, &second);
      memcpy(out + i * kVerityDigestSize, first.data(), first.size());
      memcpy(out + (i + 1) * kVerityDigestSize, second.data(), second.size());
    }
    if (i < end) {
      Sha256 h = salted;
      h.update(ByteView(input + i * block_size, block_size));
      first = h.finish();
      memcpy(out + i * kVerityDigestSize, first.data(), first.size());
    }
  });
}

}  // namespace

Result<VerityHashTree> build_verity_hash_tree(const VerityGeometry &g, ByteView data, unsigned threads) {
  const VerityTreeLayout layout = TRY(verity_tree_layout(g));
  const uint64_t data_bytes = g.data_blocks * g.data_block_size;
  if (data.size() < data_bytes) {
    return Error(format("%zu bytes of data, expected %llu data blocks of %u bytes", data.size(),
                        static_cast<unsigned long long>(g.data_blocks), g.data_block_size));
  }
  if (layout.total_blocks > SIZE_MAX / g.hash_block_size) return Error("hash tree does not fit in memory");
  VerityHashTree tree;
  tree.blocks.assign(layout.total_blocks * g.hash_block_size, 0);

  Sha256 salted;
  salted.update(g.salt);
  const uint8_t *input = data.data();
  size_t input_block_size = g.data_block_size;
  uint64_t input_blocks = g.data_blocks;
  for (const VerityLevel &level : layout.levels) {
    uint8_t *out = tree.blocks.data() + level.first_block * g.hash_block_size;
    hash_blocks(salted, input, input_block_size, input_blocks, out, threads);
    input = out;
    input_block_size = g.hash_block_size;
    input_blocks = level.blocks;
  }
  // input is now the single top block (or the only data block).
  Sha256 root = salted;
  root.update(ByteView(input, input_block_size));
  tree.root = root.finish();
  return tree;
}

Status verify_verity_hash_tree(const VerityGeometry &g, ByteView data, ByteView stored_tree,
                               ByteView expected_root, unsigned threads) {
  if (expected_root.size() != kVerityDigestSize) {
    return Error(format("root hash has %zu bytes, expected %zu", expected_root.size(), kVerityDigestSize));
  }
  const VerityTreeLayout layout = TRY(verity_tree_layout(g));
  VerityHashTree computed = TRY(build_verity_hash_tree(g, data, threads));
  if (stored_tree.size() < computed.blocks.size()) {
    return Error(
        format("hash area has %zu bytes, the tree needs %zu", stored_tree.size(), computed.blocks.size()));
  }
  // Bottom level first: a corrupted data block then shows as the one leaf
  // block that covers it rather than as a different top block.
  const uint64_t per_block = g.hash_block_size / kVerityDigestSize;
  uint64_t covered = 1;  // data blocks under one digest of the level
  for (size_t i = 0; i < layout.levels.size(); ++i, covered *= per_block) {
    const VerityLevel &level = layout.levels[i];
    for (uint64_t b = 0; b < level.blocks; ++b) {
      const size_t offset = (level.first_block + b) * g.hash_block_size;
      if (memcmp(computed.blocks.data() + offset, stored_tree.data() + offset, g.hash_block_size) != 0) {
        const uint64_t block_index = level.first_block + b;
        const uint64_t first = b * per_block * covered;
        const uint64_t last = std::min(first + per_block * covered, g.data_blocks) - 1;
        return Error(
            format("hash block %llu (level %zu, block %llu of %llu, over data blocks %llu..%llu) does not "
                   "match the data",
                   static_cast<unsigned long long>(block_index), i, static_cast<unsigned long long>(b),
                   static_cast<unsigned long long>(level.blocks), static_cast<unsigned long long>(first),
                   static_cast<unsigned long long>(last)));
      }
    }
  }
  if (!constant_time_equal(view(computed.root), expected_root)) {
    return Error("root hash mismatch: the data and hash tree give " + hex_encode(view(computed.root)) +
                 ", expected " + hex_encode(expected_root));
  }
  return {};
}

}  // namespace bp
