// ByteReader: correct values in both byte orders, and every read past the end
// is an error that names the field (ASan proves nothing is read out of bounds).
#include "lib/core/byte_reader.h"
#include "lib/core/byte_writer.h"
#include "tests/unit/test_support.h"

namespace {

void test_reads_both_byte_orders(void **) {
  bp::Bytes data = unhex(
      "01"
      "0302"
      "07060504"
      "0f0e0d0c0b0a0908"
      "1011"
      "12131415"
      "161718191a1b1c1d"
      "aabbcc");
  bp::ByteReader r(data);
  assert_int_equal(ASSERT_OK(r.u8()), 0x01);
  assert_int_equal(ASSERT_OK(r.u16_le()), 0x0203);
  assert_int_equal(ASSERT_OK(r.u32_le()), 0x04050607);
  assert_true(ASSERT_OK(r.u64_le()) == 0x08090a0b0c0d0e0fULL);
  assert_int_equal(ASSERT_OK(r.u16_be()), 0x1011);
  assert_int_equal(ASSERT_OK(r.u32_be()), 0x12131415);
  assert_true(ASSERT_OK(r.u64_be()) == 0x161718191a1b1c1dULL);
  bp::ByteView rest = ASSERT_OK(r.bytes(3));
  ASSERT_BYTES_EQUAL(rest, "aabbcc");
  assert_true(r.at_end());
}

void test_truncation_names_field(void **) {
  bp::Bytes data = unhex("010203");
  bp::ByteReader r(data);
  ASSERT_ERROR_CONTAINS(r.u32_le("header magic"), "header magic needs 4 bytes at offset 0, only 3 left");
  // A failed read consumes nothing.
  assert_int_equal(r.offset(), 0);
  assert_int_equal(ASSERT_OK(r.u16_be()), 0x0102);
  ASSERT_ERROR_CONTAINS(r.bytes(2, "signature"), "signature needs 2 bytes at offset 2");
  ASSERT_ERROR_CONTAINS(r.u64_be("size"), "size");
  ASSERT_ERROR_CONTAINS(r.skip(5), "needs 5 bytes");
  assert_int_equal(ASSERT_OK(r.u8()), 3);
  ASSERT_ERROR_CONTAINS(r.u8("tail"), "tail");
}

void test_huge_lengths_do_not_wrap(void **) {
  bp::Bytes data(16, 0);
  bp::ByteReader r(data);
  ASSERT_OK(r.skip(8));
  ASSERT_ERROR_CONTAINS(r.bytes(SIZE_MAX), "truncated");
  ASSERT_ERROR_CONTAINS(r.skip(SIZE_MAX - 4), "truncated");
  ASSERT_ERROR_CONTAINS(r.seek(17), "past the end");
  ASSERT_OK(r.seek(16));
  assert_true(r.at_end());
}

void test_empty_input(void **) {
  bp::ByteReader r(bp::ByteView{});
  assert_true(r.at_end());
  ASSERT_ERROR_CONTAINS(r.u8(), "truncated");
  bp::ByteView none = ASSERT_OK(r.bytes(0));
  assert_int_equal(none.size(), 0);
}

void test_writer_round_trip(void **) {
  bp::ByteWriter w;
  w.u8(0xfe);
  w.u16_le(0x1234);
  w.u32_be(0xdeadbeef);
  w.u64_le(0x0102030405060708ULL);
  w.zeros(2);
  w.bytes(unhex("cafe"));
  ASSERT_BYTES_EQUAL(w.data(), "fe3412deadbeef08070605040302010000cafe");
  bp::Bytes out = w.release();
  bp::ByteReader r(out);
  assert_int_equal(ASSERT_OK(r.u8()), 0xfe);
  assert_int_equal(ASSERT_OK(r.u16_le()), 0x1234);
  assert_int_equal(ASSERT_OK(r.u32_be()), 0xdeadbeef);
  assert_true(ASSERT_OK(r.u64_le()) == 0x0102030405060708ULL);
}

void test_byte_view_helpers(void **) {
  bp::Bytes data = unhex("00112233");
  bp::ByteView v(data);
  ASSERT_BYTES_EQUAL(v.subview(1, 2), "1122");
  ASSERT_BYTES_EQUAL(v.subview(3, 100), "33");  // clamps rather than overruns
  assert_int_equal(v.subview(9).size(), 0);
  assert_true(bp::constant_time_equal(v, bp::ByteView(data)));
  assert_false(bp::constant_time_equal(v, v.subview(0, 3)));
  bp::Bytes other = unhex("00112234");
  assert_false(bp::constant_time_equal(v, other));
  assert_false(bp::is_all_zero(v));
  assert_true(bp::is_all_zero(bp::Bytes(5, 0)));
}

}  // namespace

RUN_TESTS("core/byte_reader", cmocka_unit_test(test_reads_both_byte_orders),
          cmocka_unit_test(test_truncation_names_field), cmocka_unit_test(test_huge_lengths_do_not_wrap),
          cmocka_unit_test(test_empty_input), cmocka_unit_test(test_writer_round_trip),
          cmocka_unit_test(test_byte_view_helpers))
