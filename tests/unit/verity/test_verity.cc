// dm-verity: tree layout, cryptsetup's known-answer roots, superblock
// encoding and its parsing as untrusted input, verification, table line.
#include <stdlib.h>

#include <algorithm>

#include "lib/core/byte_order.h"
#include "lib/verity/hash_tree.h"
#include "lib/verity/superblock.h"
#include "lib/verity/table.h"
#include "tests/unit/test_support.h"

namespace {

const char kSalt[] = "e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d";

bp::VerityGeometry geometry(uint32_t dbs, uint32_t hbs, uint64_t blocks, const bp::Bytes &salt) {
  bp::VerityGeometry g;
  g.data_block_size = dbs;
  g.hash_block_size = hbs;
  g.data_blocks = blocks;
  g.salt = salt;
  return g;
}

// cryptsetup tests/verity-compat-test: 8 MiB of zeros, format 1, sha256.
void test_cryptsetup_vectors(void **) {
  const bp::Bytes zeros(8 << 20, 0);
  struct {
    uint32_t block;
    const char *salt;
    const char *root;
  } vectors[] = {
      {512, kSalt, "9de18652fe74edfb9b805aaed72ae2aa48f94333f1ba5c452ac33b1c39325174"},
      {1024, kSalt, "54d92778750495d1f80832b486ebd007617d746271511bbf0e295e143da2b3df"},
      {4096, kSalt, "e522df0f97da4febb882ac40f30b37dc0b444bf6df418929463fa25280f09d5c"},
      {4096, "", "ef29c902d87350f1da4bfa536e16cebc162a909bf89abe448b81ec500d4fb9bf"},
  };
  for (const auto &v : vectors) {
    bp::VerityGeometry g = geometry(v.block, v.block, zeros.size() / v.block, unhex(v.salt));
    bp::VerityHashTree tree = ASSERT_OK(bp::build_verity_hash_tree(g, zeros, 2));
    ASSERT_BYTES_EQUAL(bp::view(tree.root), v.root);
    ASSERT_OK(bp::verify_verity_hash_tree(g, zeros, tree.blocks, bp::view(tree.root), 1));
  }
}

void test_layout(void **) {
  bp::Bytes salt;
  bp::VerityTreeLayout one = ASSERT_OK(bp::verity_tree_layout(geometry(4096, 4096, 1, salt)));
  assert_int_equal(one.levels.size(), 0);
  assert_int_equal(one.total_blocks, 0);
  bp::VerityTreeLayout l = ASSERT_OK(bp::verity_tree_layout(geometry(4096, 4096, 256, salt)));
  assert_int_equal(l.levels.size(), 2);
  assert_int_equal(l.levels[0].blocks, 2);
  assert_int_equal(l.levels[0].first_block, 1);  // below the top level
  assert_int_equal(l.levels[1].blocks, 1);
  assert_int_equal(l.levels[1].first_block, 0);
  assert_int_equal(l.total_blocks, 3);
  l = ASSERT_OK(bp::verity_tree_layout(geometry(4096, 4096, 128, salt)));
  assert_int_equal(l.levels.size(), 1);
  // 512-byte hash blocks hold 16 digests: 1000 blocks -> 63, 4, 1.
  l = ASSERT_OK(bp::verity_tree_layout(geometry(4096, 512, 1000, salt)));
  assert_int_equal(l.levels.size(), 3);
  assert_int_equal(l.levels[0].blocks, 63);
  assert_int_equal(l.levels[1].blocks, 4);
  assert_int_equal(l.levels[2].blocks, 1);
  assert_int_equal(l.levels[0].first_block, 5);
  assert_int_equal(l.total_blocks, 68);
  // 1 TiB of 4 KiB blocks: 2^28 blocks, 4 levels.
  l = ASSERT_OK(bp::verity_tree_layout(geometry(4096, 4096, 1ull << 28, salt)));
  assert_int_equal(l.levels.size(), 4);
  assert_int_equal(l.levels[0].blocks, 1u << 21);
  assert_int_equal(l.levels[3].blocks, 1);

  assert_int_equal(bp::verity_hash_start_block(0, 4096, true), 1);
  assert_int_equal(bp::verity_hash_start_block(0, 4096, false), 0);
  assert_int_equal(bp::verity_hash_start_block(1024, 4096, true), 1);
  assert_int_equal(bp::verity_hash_start_block(3584, 4096, true), 1);
  assert_int_equal(bp::verity_hash_start_block(3584, 512, true), 8);
  assert_int_equal(bp::verity_hash_start_block(3585, 512, true), 9);
  assert_int_equal(bp::verity_hash_start_block(8 << 20, 4096, true), 2049);
  assert_int_equal(bp::verity_hash_start_block(8 << 20, 4096, false), 2048);
}

void test_geometry_rejected(void **) {
  bp::Bytes salt;
  ASSERT_ERROR_CONTAINS(bp::verity_tree_layout(geometry(8192, 4096, 1, salt)), "data block size 8192");
  ASSERT_ERROR_CONTAINS(bp::verity_tree_layout(geometry(4096, 256, 1, salt)), "hash block size 256");
  ASSERT_ERROR_CONTAINS(bp::verity_tree_layout(geometry(3000, 4096, 1, salt)), "not a power of two");
  ASSERT_ERROR_CONTAINS(bp::verity_tree_layout(geometry(4096, 4096, 0, salt)), "no data blocks");
  ASSERT_ERROR_CONTAINS(bp::verity_tree_layout(geometry(4096, 4096, 1ull << 62, salt)), "too large");
  ASSERT_ERROR_CONTAINS(bp::verity_tree_layout(geometry(4096, 4096, 1, bp::Bytes(257))), "salt of 257 bytes");
  ASSERT_ERROR_CONTAINS(bp::build_verity_hash_tree(geometry(4096, 4096, 2, salt), bp::Bytes(4096)),
                        "expected 2 data blocks");
}

bp::Bytes random_bytes(size_t n, unsigned seed) {
  srand(seed);
  bp::Bytes b(n);
  for (uint8_t &x : b) x = static_cast<uint8_t>(rand());
  return b;
}

void test_single_block_root_hashes_the_block(void **) {
  bp::Bytes data = random_bytes(4096, 1);
  bp::Bytes salt = unhex("0102");
  bp::VerityHashTree tree = ASSERT_OK(bp::build_verity_hash_tree(geometry(4096, 4096, 1, salt), data));
  assert_int_equal(tree.blocks.size(), 0);
  bp::Bytes salted = salt;
  salted.insert(salted.end(), data.begin(), data.end());
  assert_memory_equal(tree.root.data(), bp::sha256(salted).data(), 32);
}

void test_threads_do_not_change_the_tree(void **) {
  bp::Bytes data = random_bytes(1000 * 1024 + 7, 2);
  bp::VerityGeometry g = geometry(1024, 512, 1000, unhex("abcdef"));
  bp::VerityHashTree one = ASSERT_OK(bp::build_verity_hash_tree(g, data, 1));
  for (unsigned threads : {2u, 3u, 7u, 64u}) {
    bp::VerityHashTree many = ASSERT_OK(bp::build_verity_hash_tree(g, data, threads));
    assert_true(many.blocks == one.blocks);
    assert_memory_equal(many.root.data(), one.root.data(), 32);
  }
}

void test_verify_finds_corruption(void **) {
  bp::Bytes data = random_bytes(size_t{300} * 4096, 3);
  bp::VerityGeometry g = geometry(4096, 4096, 300, unhex("00"));
  bp::VerityHashTree tree = ASSERT_OK(bp::build_verity_hash_tree(g, data, 2));
  ASSERT_OK(bp::verify_verity_hash_tree(g, data, tree.blocks, bp::view(tree.root), 2));
  bp::Bytes bad_data = data;
  bad_data[200 * 4096 + 17] ^= 0x40;  // data block 200 -> level-0 block 1
  ASSERT_ERROR_CONTAINS(bp::verify_verity_hash_tree(g, bad_data, tree.blocks, bp::view(tree.root), 2),
                        "hash block 2 (level 0, block 1 of 3, over data blocks 128..255)");
  bp::Bytes bad_tree = tree.blocks;
  bad_tree[5] ^= 1;  // the top block
  ASSERT_ERROR_CONTAINS(bp::verify_verity_hash_tree(g, data, bad_tree, bp::view(tree.root), 2),
                        "hash block 0 (level 1");
  bp::Sha256Digest wrong = tree.root;
  wrong[31] ^= 1;
  ASSERT_ERROR_CONTAINS(bp::verify_verity_hash_tree(g, data, tree.blocks, bp::view(wrong), 2),
                        "root hash mismatch");
  ASSERT_ERROR_CONTAINS(
      bp::verify_verity_hash_tree(g, data, bp::ByteView(tree.blocks.data(), 4096), bp::view(tree.root), 2),
      "hash area has 4096 bytes");
  ASSERT_ERROR_CONTAINS(
      bp::verify_verity_hash_tree(g, data, tree.blocks, bp::ByteView(tree.root.data(), 31), 2),
      "root hash has 31 bytes");
}

bp::VeritySuperblock sample_superblock() {
  bp::VeritySuperblock sb;
  sb.geometry = geometry(4096, 4096, 256, unhex("00"));
  sb.uuid = ASSERT_OK(bp::parse_uuid("12345678-1234-1234-1234-123456789ABC"));
  return sb;
}

// The first 0x60 bytes of the superblock veritysetup 2.6.1 wrote for
// `format --salt=00 --uuid=12345678-1234-1234-1234-123456789abc` over 256
// data blocks (the rest is zero).
void test_superblock_matches_veritysetup(void **) {
  bp::Bytes sb = bp::encode_verity_superblock(sample_superblock());
  assert_int_equal(sb.size(), 512);
  ASSERT_BYTES_EQUAL(bp::ByteView(sb.data(), 0x60),
                     "7665726974790000010000000100000012345678123412341234123456789abc"
                     "7368613235360000000000000000000000000000000000000000000000000000"
                     "0010000000100000000100000000000001000000000000000000000000000000");
  assert_true(bp::is_all_zero(bp::ByteView(sb.data() + 0x59, 512 - 0x59)));
  bp::VeritySuperblock back = ASSERT_OK(bp::parse_verity_superblock(sb));
  assert_int_equal(back.geometry.data_blocks, 256);
  assert_true(back.geometry.salt == unhex("00"));
  assert_string_equal(bp::format_uuid(back.uuid).c_str(), "12345678-1234-1234-1234-123456789abc");

  bp::VeritySuperblock big = sample_superblock();
  big.geometry.salt = random_bytes(256, 4);
  big.geometry.data_block_size = 512;
  big.geometry.hash_block_size = 1024;
  back = ASSERT_OK(bp::parse_verity_superblock(bp::encode_verity_superblock(big)));
  assert_true(back.geometry.salt == big.geometry.salt);
  assert_int_equal(back.geometry.data_block_size, 512);
  assert_int_equal(back.geometry.hash_block_size, 1024);
}

void test_superblock_rejects_malformed(void **) {
  const bp::Bytes good = bp::encode_verity_superblock(sample_superblock());
  auto with = [&](size_t offset, std::initializer_list<uint8_t> bytes) {
    bp::Bytes b = good;
    std::copy(bytes.begin(), bytes.end(), b.begin() + static_cast<long>(offset));
    return b;
  };
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(bp::ByteView(good.data(), 511)),
                        "511 bytes, expected 512");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(0, {'V'})), "signature");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(8, {2})), "version 2");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(12, {0})), "hash type 0");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(32, {'s', 'h', 'a', '1', 0, 0})),
                        "'sha1' is not supported");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(38, {'x'})), "is not supported");  // no NUL padding
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(64, {0, 0x20})), "data block size 8192");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(68, {0, 1})), "hash block size 256");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(72, {0, 0})), "no data blocks");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(79, {0x7f})), "too large");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(80, {1, 1})), "salt size 257");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(84, {1})), "non-zero bytes");
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(89, {1})),
                        "non-zero bytes");  // past the 1-byte salt
  ASSERT_ERROR_CONTAINS(bp::parse_verity_superblock(with(511, {1})), "non-zero bytes");
  // Every single-byte change either parses or fails cleanly (ASan watches).
  size_t rejected = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t v : {0x00, 0x01, 0x80, 0xff}) {
      bp::Bytes b = good;
      b[i] = v;
      rejected += !bp::parse_verity_superblock(b).ok();
    }
  }
  assert_true(rejected > 500);
}

void test_table_line(void **) {
  bp::VerityTarget t;
  t.data_device = "/dev/sda1";
  t.hash_device = "/dev/sda2";
  t.geometry =
      geometry(4096, 4096, 262144, unhex("1234000000000000000000000000000000000000000000000000000000000000"));
  t.hash_start_block = 1;
  std::copy_n(unhex("4392712ba01368efdf14b05c76f9e4df0d53664630b5d48632ed17a137f39076").begin(), 32,
              t.root.begin());
  // The example in the kernel's verity.rst.
  assert_string_equal(bp::verity_table_line(t).c_str(),
                      "0 2097152 verity 1 /dev/sda1 /dev/sda2 4096 4096 262144 1 sha256 "
                      "4392712ba01368efdf14b05c76f9e4df0d53664630b5d48632ed17a137f39076 "
                      "1234000000000000000000000000000000000000000000000000000000000000");
  t.geometry.salt.clear();
  assert_true(bp::verity_target_params(t).size() > 2);
  assert_string_equal(bp::verity_target_params(t).substr(bp::verity_target_params(t).size() - 2).c_str(),
                      " -");
}

}  // namespace

RUN_TESTS("verity", cmocka_unit_test(test_cryptsetup_vectors), cmocka_unit_test(test_layout),
          cmocka_unit_test(test_geometry_rejected), cmocka_unit_test(test_single_block_root_hashes_the_block),
          cmocka_unit_test(test_threads_do_not_change_the_tree),
          cmocka_unit_test(test_verify_finds_corruption),
          cmocka_unit_test(test_superblock_matches_veritysetup),
          cmocka_unit_test(test_superblock_rejects_malformed), cmocka_unit_test(test_table_line))
