// UUIDs: text form and version 4 bits.
#include "lib/core/uuid.h"
#include "tests/unit/test_support.h"

namespace {

void test_uuid_round_trip(void **) {
  bp::Uuid u = ASSERT_OK(bp::parse_uuid("0123ABCD-4567-89ab-CDEF-0123456789ab"));
  ASSERT_BYTES_EQUAL(bp::ByteView(u.data(), u.size()), "0123abcd456789abcdef0123456789ab");
  assert_string_equal(bp::format_uuid(u).c_str(), "0123abcd-4567-89ab-cdef-0123456789ab");
  ASSERT_ERROR_CONTAINS(bp::parse_uuid("0123abcd456789abcdef0123456789ab"), "invalid UUID");
  ASSERT_ERROR_CONTAINS(bp::parse_uuid("0123abcd-4567-89ab-cdef-0123456789a"), "invalid UUID");
  ASSERT_ERROR_CONTAINS(bp::parse_uuid("0123abcd-4567-89ab-cdef+0123456789ab"), "invalid UUID");
  ASSERT_ERROR_CONTAINS(bp::parse_uuid("0123abcd-4567-89ab-cdef-0123456789ag"), "invalid UUID");
  bp::Uuid all_ones;
  all_ones.fill(0xff);
  assert_string_equal(bp::format_uuid(bp::uuid_v4_from_random(all_ones)).c_str(),
                      "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

}  // namespace

RUN_TESTS("core/uuid", cmocka_unit_test(test_uuid_round_trip))
