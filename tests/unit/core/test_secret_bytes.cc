// SecretBytes: zero-initialised, locked in memory, zeroed by zero(), emptied
// by moves and wipe().
#include <stdio.h>
#include <stdlib.h>

#include "lib/core/secret_bytes.h"
#include "tests/unit/test_support.h"

namespace {

// Locked memory of this process in KiB, from /proc/self/status.
long locked_kib() {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "VmLck: %ld kB", &kib) == 1) break;
  }
  (void)fclose(f);
  return kib;
}

void test_allocate_is_zeroed_and_locked(void **) {
  long before = locked_kib();
  bp::SecretBytes secret = ASSERT_OK(bp::SecretBytes::allocate(size_t{64} * 1024));
  assert_int_equal(secret.size(), 64 * 1024);
  assert_true(bp::is_all_zero(secret.view()));
  assert_true(locked_kib() >= before + 64);
  secret.wipe();
  assert_int_equal(locked_kib(), before);
  assert_true(secret.empty());
}

void test_zero_overwrites_contents(void **) {
  bp::Bytes key = unhex("000102030405060708090a0b0c0d0e0f");
  bp::SecretBytes secret = ASSERT_OK(bp::SecretBytes::copy_of(key));
  ASSERT_BYTES_EQUAL(secret.view(), "000102030405060708090a0b0c0d0e0f");
  const uint8_t *storage = secret.view().data();
  secret.zero();
  // Same storage, every byte zero: what destruction does before unmapping.
  assert_ptr_equal(secret.view().data(), storage);
  assert_int_equal(secret.size(), 16);
  assert_true(bp::is_all_zero(secret.view()));
}

void test_move_leaves_source_empty(void **) {
  bp::SecretBytes a = ASSERT_OK(bp::SecretBytes::copy_of(unhex("aabbcc")));
  bp::SecretBytes b = std::move(a);
  assert_true(a.empty());        // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  assert_null(a.view().data());  // NOLINT(clang-analyzer-cplusplus.Move)
  ASSERT_BYTES_EQUAL(b.view(), "aabbcc");
  bp::SecretBytes c = ASSERT_OK(bp::SecretBytes::copy_of(unhex("01")));
  c = std::move(b);
  ASSERT_BYTES_EQUAL(c.view(), "aabbcc");
  assert_true(b.empty());  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
}

void test_live_count(void **) {
  size_t before = bp::SecretBytes::live_count();
  {
    bp::SecretBytes a = ASSERT_OK(bp::SecretBytes::copy_of(unhex("01020304")));
    bp::SecretBytes b = ASSERT_OK(bp::SecretBytes::allocate(10000));
    assert_int_equal(bp::SecretBytes::live_count(), before + 2);
    bp::SecretBytes moved = std::move(a);  // one allocation, now in another handle
    assert_int_equal(bp::SecretBytes::live_count(), before + 2);
    moved = std::move(b);  // the old contents of `moved` are wiped
    assert_int_equal(bp::SecretBytes::live_count(), before + 1);
    moved.zero();  // zeroed, still allocated
    assert_int_equal(bp::SecretBytes::live_count(), before + 1);
  }
  assert_int_equal(bp::SecretBytes::live_count(), before);
  bp::SecretBytes c = ASSERT_OK(bp::SecretBytes::copy_of(unhex("aa")));
  c.wipe();
  assert_int_equal(bp::SecretBytes::live_count(), before);
  bp::SecretBytes empty = ASSERT_OK(bp::SecretBytes::allocate(0));  // no pages
  assert_int_equal(bp::SecretBytes::live_count(), before);
}

void test_empty_secret(void **) {
  bp::SecretBytes empty = ASSERT_OK(bp::SecretBytes::allocate(0));
  assert_true(empty.empty());
  empty.zero();
  empty.wipe();
  bp::SecretBytes copy = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView{}));
  assert_true(copy.empty());
}

}  // namespace

RUN_TESTS("core/secret_bytes", cmocka_unit_test(test_allocate_is_zeroed_and_locked),
          cmocka_unit_test(test_zero_overwrites_contents), cmocka_unit_test(test_move_leaves_source_empty),
          cmocka_unit_test(test_live_count), cmocka_unit_test(test_empty_secret))
