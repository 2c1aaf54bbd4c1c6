// Result<T>, Status and the TRY macros: values pass through, errors propagate
// with their message, errno and added context.
#include <errno.h>

#include <memory>

#include "lib/core/result.h"
#include "tests/unit/test_support.h"

namespace {

bp::Result<int> parse_positive(int v) {
  if (v <= 0) return bp::Error("not positive", EINVAL);
  return v;
}

bp::Result<int> doubled(int v) { return TRY(parse_positive(v)) * 2; }

bp::Result<int> doubled_with_context(int v) { return TRY_CONTEXT(parse_positive(v), "doubling") * 2; }

bp::Status check_positive(int v) {
  TRY(parse_positive(v));
  return {};
}

bp::Result<std::unique_ptr<int>> make_boxed(int v) { return std::make_unique<int>(TRY(parse_positive(v))); }

void test_value_passes_through(void **) {
  bp::Result<int> r = doubled(21);
  assert_true(r.ok());
  assert_int_equal(r.value(), 42);
}

void test_error_propagates_with_errno(void **) {
  bp::Result<int> r = doubled(-1);
  assert_false(r.ok());
  assert_string_equal(r.error().message().c_str(), "not positive");
  assert_int_equal(r.error().errno_value(), EINVAL);
}

void test_context_is_prefixed(void **) {
  bp::Result<int> r = doubled_with_context(0);
  assert_false(r.ok());
  assert_string_equal(r.error().message().c_str(), "doubling: not positive");
  assert_int_equal(r.error().errno_value(), EINVAL);
}

void test_status(void **) {
  assert_true(check_positive(1).ok());
  bp::Status s = check_positive(-5);
  assert_false(s.ok());
  assert_string_equal(s.error().message().c_str(), "not positive");
}

void test_move_only_values(void **) {
  bp::Result<std::unique_ptr<int>> r = make_boxed(7);
  assert_true(r.ok());
  std::unique_ptr<int> box = r.release_value();
  assert_int_equal(*box, 7);
  assert_false(make_boxed(-7).ok());
}

void test_from_errno_names_the_call(void **) {
  bp::Error e = bp::Error::from_errno("open /nonexistent", ENOENT);
  assert_int_equal(e.errno_value(), ENOENT);
  assert_string_equal(e.message().c_str(), "open /nonexistent: No such file or directory");
}

}  // namespace

RUN_TESTS("core/result", cmocka_unit_test(test_value_passes_through),
          cmocka_unit_test(test_error_propagates_with_errno), cmocka_unit_test(test_context_is_prefixed),
          cmocka_unit_test(test_status), cmocka_unit_test(test_move_only_values),
          cmocka_unit_test(test_from_errno_names_the_call))
