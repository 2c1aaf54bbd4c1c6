// The CTR_DRBG wrapper: sizes, independence of outputs and generators, a
// coarse distribution check, and mbedtls' own NIST CTR_DRBG self-test for the
// library build we link.
#include <mbedtls/ctr_drbg.h>

#include <utility>

#include "lib/crypto/random.h"
#include "tests/unit/test_support.h"

namespace {

void test_fill_sizes(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  ASSERT_OK(random.fill(nullptr, 0));
  // Larger than one CTR_DRBG request (1024 bytes): filled to the last byte.
  bp::Bytes big(5000, 0);
  ASSERT_OK(random.fill(big.data(), big.size()));
  assert_false(bp::is_all_zero(bp::ByteView(big).subview(4968)));
  bp::Bytes a = ASSERT_OK(random.bytes(32));
  bp::Bytes b = ASSERT_OK(random.bytes(32));
  assert_int_equal(a.size(), 32);
  assert_true(a != b);
  bp::SecretBytes key = ASSERT_OK(random.secret(64));
  assert_int_equal(key.size(), 64);
  assert_false(bp::is_all_zero(key.view()));
  bp::SecretBytes none = ASSERT_OK(random.secret(0));
  assert_true(none.empty());
}

void test_generators_are_independent(void **) {
  bp::Random one = ASSERT_OK(bp::Random::create());
  bp::Random two = ASSERT_OK(bp::Random::create(bp::ByteView::of_string("bp-test")));
  assert_true(ASSERT_OK(one.bytes(32)) != ASSERT_OK(two.bytes(32)));
}

// 64 KiB: every byte value should appear about 256 times; the bounds are
// ten standard deviations wide, so a correct generator never fails.
void test_byte_distribution(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Bytes data = ASSERT_OK(random.bytes(65536));
  int counts[256] = {};
  for (uint8_t b : data) ++counts[b];
  for (int count : counts) {
    assert_in_range(count, 96, 416);
  }
}

void test_moved_from(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Random other = std::move(random);
  uint8_t byte;
  ASSERT_OK(other.fill(&byte, 1));
  ASSERT_ERROR_CONTAINS(random.fill(&byte, 1), "moved from");  // NOLINT: testing the moved-from state
  // Move assignment releases the old state and takes the new.
  bp::Random third = ASSERT_OK(bp::Random::create());
  third = std::move(other);
  ASSERT_OK(third.fill(&byte, 1));
}

void test_mbedtls_callback(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  unsigned char out[48] = {};
  assert_int_equal(bp::Random::generate(&random, out, sizeof out), 0);
  assert_false(bp::is_all_zero(bp::ByteView(out, sizeof out)));
}

void test_ctr_drbg_self_test(void **) { assert_int_equal(mbedtls_ctr_drbg_self_test(0), 0); }

}  // namespace

RUN_TESTS("crypto/random", cmocka_unit_test(test_fill_sizes),
          cmocka_unit_test(test_generators_are_independent), cmocka_unit_test(test_byte_distribution),
          cmocka_unit_test(test_moved_from), cmocka_unit_test(test_mbedtls_callback),
          cmocka_unit_test(test_ctr_drbg_self_test))
