// The dm-verity superblock read from the host's disk
// (parse_verity_superblock). The parser accepts one encoding per
// superblock (exact signature and algorithm, zero padding, zero salt tail),
// so whatever it accepts re-encodes to the same 512 bytes, and its geometry
// is one the rest of the verity code accepts.
#include <stddef.h>
#include <stdint.h>

#include "lib/verity/geometry.h"
#include "lib/verity/superblock.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto superblock = bp::parse_verity_superblock(input);
  if (!superblock.ok()) return 0;
  FUZZ_CHECK(size >= bp::kVeritySuperblockSize);
  bp::Bytes encoded = bp::encode_verity_superblock(superblock.value());
  FUZZ_CHECK(bp::ByteView(encoded) == input.subview(0, bp::kVeritySuperblockSize));
  FUZZ_CHECK(bp::validate_verity_geometry(superblock.value().geometry).ok());
  auto layout = bp::verity_tree_layout(superblock.value().geometry);
  if (layout.ok()) FUZZ_CHECK(layout.value().total_blocks >= layout.value().levels.size());
  return 0;
}
