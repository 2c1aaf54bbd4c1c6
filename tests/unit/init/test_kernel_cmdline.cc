// Kernel command line splitting, including the kernel's quoting rules.
#include "init/kernel_cmdline.h"
#include "tests/unit/test_support.h"

namespace {

void test_splits_like_the_kernel(void **) {
  auto params =
      ASSERT_OK(bp::parse_kernel_cmdline("console=ttyS0  panic=-1 quiet bp.log_level=debug \"bp.x=a b\" "
                                         "bp.y=\"c d\" rd.z= -- init-arg bp.ignored=1\n"));
  assert_int_equal(params.size(), 7);
  assert_string_equal(params[0].key.c_str(), "console");
  assert_string_equal(params[0].value.c_str(), "ttyS0");
  assert_string_equal(params[2].key.c_str(), "quiet");
  assert_false(params[2].has_value);
  assert_string_equal(params[3].value.c_str(), "debug");
  assert_string_equal(params[4].key.c_str(), "bp.x");
  assert_string_equal(params[4].value.c_str(), "a b");
  assert_string_equal(params[5].key.c_str(), "bp.y");
  assert_string_equal(params[5].value.c_str(), "c d");
  assert_string_equal(params[6].key.c_str(), "rd.z");
  assert_true(params[6].has_value);
  assert_string_equal(params[6].value.c_str(), "");
}

void test_empty_and_blank(void **) {
  assert_int_equal(ASSERT_OK(bp::parse_kernel_cmdline("")).size(), 0);
  assert_int_equal(ASSERT_OK(bp::parse_kernel_cmdline(" \t\n")).size(), 0);
}

void test_rejects_malformed(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_kernel_cmdline("a=\"open"), "unterminated quote");
  ASSERT_ERROR_CONTAINS(bp::parse_kernel_cmdline(std::string_view("a\0b", 3)), "NUL byte at offset 1");
  ASSERT_ERROR_CONTAINS(bp::parse_kernel_cmdline(std::string(5000, 'a')), "more than 4096");
}

}  // namespace

RUN_TESTS("init/kernel_cmdline", cmocka_unit_test(test_splits_like_the_kernel),
          cmocka_unit_test(test_empty_and_blank), cmocka_unit_test(test_rejects_malformed))
