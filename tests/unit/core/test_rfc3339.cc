// RFC 3339 timestamps: known epoch values (checked with GNU date -u -d),
// offsets, fractions, leap years and rejected forms.
#include "lib/core/rfc3339.h"
#include "tests/unit/test_support.h"

namespace {

void test_known_values(void **) {
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("1970-01-01T00:00:00Z")), 0);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2025-06-01T00:00:00Z")), 1748736000);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2000-02-29T23:59:59Z")), 951868799);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2045-10-22T17:23:05Z")), 2392305785);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("1969-12-31T23:59:59Z")), -1);
  // Offsets move the instant; lower-case t/z and a space are accepted.
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2025-06-01T02:00:00+02:00")), 1748736000);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2025-05-31T19:30:00-04:30")), 1748736000);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2025-06-01t00:00:00.999z")), 1748736000);
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2025-06-01 00:00:00Z")), 1748736000);
  // A leap second counts as the last second of its minute.
  assert_int_equal(ASSERT_OK(bp::parse_rfc3339("2016-12-31T23:59:60Z")), 1483228799);
}

void test_format_round_trip(void **) {
  assert_string_equal(bp::format_rfc3339(0).c_str(), "1970-01-01T00:00:00Z");
  assert_string_equal(bp::format_rfc3339(1748736000).c_str(), "2025-06-01T00:00:00Z");
  assert_string_equal(bp::format_rfc3339(-1).c_str(), "1969-12-31T23:59:59Z");
  assert_string_equal(bp::format_rfc3339(951868799).c_str(), "2000-02-29T23:59:59Z");
  for (int64_t t = -86400LL * 800; t < 86400LL * 365 * 90; t += 86400 * 7 + 3607) {
    assert_int_equal(ASSERT_OK(bp::parse_rfc3339(bp::format_rfc3339(t))), t);
  }
}

void test_rejected(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339(""), "bad date");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01"), "no 'T'");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T00:00:00"), "time zone");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T00:00Z"), "bad time");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-13-01T00:00:00Z"), "month");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-02-29T00:00:00Z"), "day");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2100-02-29T00:00:00Z"), "day");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T24:00:00Z"), "time of day");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T00:00:00.Z"), "after '.'");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T00:00:00+0200"), "bad offset");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T00:00:00+24:00"), "offset out of range");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("2025-06-01T00:00:00Zjunk"), "trailing");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("+2025-06-01T00:00:00Z"), "bad date");
  ASSERT_ERROR_CONTAINS(bp::parse_rfc3339("1748736000"), "bad date");
}

}  // namespace

RUN_TESTS("rfc3339", cmocka_unit_test(test_known_values), cmocka_unit_test(test_format_round_trip),
          cmocka_unit_test(test_rejected))
