// AF splitter: known answers from an independent Python implementation of
// cryptsetup's af.c description, and split/merge round trips.
#include "lib/luks2/af_splitter.h"
#include "tests/unit/test_support.h"

namespace {

void test_merge_known_answers(void **) {
  // Partial last diffusion block: 40-byte key, 3 stripes, material 00..77.
  bp::Bytes material(120);
  for (size_t i = 0; i < material.size(); ++i) material[i] = static_cast<uint8_t>(i);
  bp::SecretBytes key = ASSERT_OK(bp::af_merge(material, 40, 3));
  ASSERT_BYTES_EQUAL(key.view(),
                     "512bb18e314d508ff96bf0476fe763960d7fee88a203f1a8f60786529f022801fa236647e64a8536");
  // The LUKS2 shape: 64-byte key, 4000 stripes.
  material.resize(size_t{64} * 4000);
  for (size_t i = 0; i < material.size(); ++i) material[i] = static_cast<uint8_t>(i * 13 + 7);
  key = ASSERT_OK(bp::af_merge(material, 64, 4000));
  ASSERT_BYTES_EQUAL(key.view(),
                     "0ed1447f8ff1db2504e2f8fdea3a2ce77a03bff8d7c3ed42ef789d837f4e6b18"
                     "46bbfbbbc5d02284d6c4a8ce0dc9d58afdb6323f81ec863e5acb1cb1fb629833");
}

void test_split_merge_roundtrip(void **) {
  bp::Bytes key = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  bp::Bytes random(size_t{31} * 32);
  for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<uint8_t>(i * 31 + 1);
  bp::SecretBytes material = ASSERT_OK(bp::af_split(key, 32, random));
  assert_int_equal(material.size(), 32 * 32);
  // The random stripes are stored as given; the key is not in the clear.
  assert_memory_equal(material.view().data(), random.data(), random.size());
  bp::SecretBytes back = ASSERT_OK(bp::af_merge(material.view(), 32, 32));
  assert_true(back.view() == bp::ByteView(key));
  // Damage to any stripe destroys the key.
  bp::SecretBytes damaged = ASSERT_OK(bp::SecretBytes::copy_of(material.view()));
  damaged.data()[5 * 32 + 3] ^= 1;
  back = ASSERT_OK(bp::af_merge(damaged.view(), 32, 32));
  assert_false(back.view() == bp::ByteView(key));
}

void test_rejects_bad_shapes(void **) {
  bp::Bytes key(64, 1);
  ASSERT_ERROR_CONTAINS(bp::af_split(key, 4000, bp::Bytes(10)), "needs 255936 random bytes");
  ASSERT_ERROR_CONTAINS(bp::af_merge(bp::Bytes(100), 64, 4000), "expected 4000 stripes of 64");
  ASSERT_ERROR_CONTAINS(bp::af_merge(bp::Bytes(), 0, 1), "key size 0");
  ASSERT_ERROR_CONTAINS(bp::af_merge(bp::Bytes(), 64, 0), "stripe count 0");
}

}  // namespace

RUN_TESTS("luks2_af_splitter", cmocka_unit_test(test_merge_known_answers),
          cmocka_unit_test(test_split_merge_roundtrip), cmocka_unit_test(test_rejects_bad_shapes))
