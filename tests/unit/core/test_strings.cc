// Strict number parsing and the small string helpers.
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "tests/unit/test_support.h"

namespace {

void test_parse_u64(void **) {
  assert_true(ASSERT_OK(bp::parse_u64("0")) == 0);
  assert_true(ASSERT_OK(bp::parse_u64("18446744073709551615")) == UINT64_MAX);
  ASSERT_ERROR_CONTAINS(bp::parse_u64("18446744073709551616"), "too large");
  ASSERT_ERROR_CONTAINS(bp::parse_u64(""), "empty");
  ASSERT_ERROR_CONTAINS(bp::parse_u64("-1"), "expected a decimal number");
  ASSERT_ERROR_CONTAINS(bp::parse_u64(" 1"), "expected a decimal number");
  ASSERT_ERROR_CONTAINS(bp::parse_u64("1x"), "expected a decimal number");
}

void test_parse_hex_u64(void **) {
  assert_true(ASSERT_OK(bp::parse_hex_u64("0x800f12")) == 0x800f12);
  assert_true(ASSERT_OK(bp::parse_hex_u64("FFFFFFFFFFFFFFFF")) == UINT64_MAX);
  ASSERT_ERROR_CONTAINS(bp::parse_hex_u64("0x"), "at most 64 bits");
  ASSERT_ERROR_CONTAINS(bp::parse_hex_u64("0x10000000000000000"), "at most 64 bits");
  ASSERT_ERROR_CONTAINS(bp::parse_hex_u64("0xg"), "expected a hexadecimal number");
}

void test_split_and_affixes(void **) {
  auto parts = bp::split("kbs:///repo/type/tag", '/');
  assert_int_equal(parts.size(), 6);
  assert_true(parts[0] == "kbs:");
  assert_true(parts[1].empty());
  assert_true(parts[5] == "tag");
  assert_int_equal(bp::split("", ',').size(), 1);
  assert_string_equal(bp::join({"a", "b", "c"}, "; ").c_str(), "a; b; c");
  assert_string_equal(bp::join({"only"}, "; ").c_str(), "only");
  assert_string_equal(bp::join({}, "; ").c_str(), "");
  assert_string_equal(bp::join({"", "b"}, ",").c_str(), ",b");
  assert_true(bp::starts_with("bp.debug=1", "bp."));
  assert_false(bp::starts_with("bp", "bp."));
  assert_true(bp::ends_with("root.img", ".img"));
  assert_false(bp::ends_with("g", ".img"));
  assert_string_equal(bp::to_lower("EPYC-Milan").c_str(), "epyc-milan");
}

void test_format(void **) {
  assert_string_equal(bp::format("%s=%d", "n", 42).c_str(), "n=42");
  std::string long_text(1000, 'x');
  assert_int_equal(bp::format("%s%s", long_text.c_str(), long_text.c_str()).size(), 2000);
  assert_string_equal(bp::format("%s", "").c_str(), "");
}

}  // namespace

RUN_TESTS("core/strings", cmocka_unit_test(test_parse_u64), cmocka_unit_test(test_parse_hex_u64),
          cmocka_unit_test(test_split_and_affixes), cmocka_unit_test(test_format))
