// The ENOSYS stub on its own: numbers above the per-ABI limit get ENOSYS,
// everything else reaches the filter behind it.
#include <errno.h>

#include "lib/seccomp/enosys_stub.h"
#include "tests/unit/seccomp/bpf_eval.h"

namespace {

constexpr uint32_t kFilterMarker = SECCOMP_RET_TRACE | 0x1234;  // "the filter answered"
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kX32 = 0x40000000;

uint32_t run(const bp::EnosysLimits &limits, int nr, uint32_t arch) {
  std::vector<sock_filter> program = bp::enosys_stub(limits);
  program.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, kFilterMarker});
  return bp_test::bpf_evaluate(program, bp_test::syscall_data(nr, 0, 0, 0, 0, arch));
}

void test_no_limits_no_stub(void **) { assert_true(bp::enosys_stub({}).empty()); }

void test_x86_64_only(void **) {
  bp::EnosysLimits limits;
  limits.x86_64 = 300;
  assert_int_equal(run(limits, 0, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, 300, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, 301, AUDIT_ARCH_X86_64), kEnosys);
  assert_int_equal(run(limits, 0x7fffffff, AUDIT_ARCH_X86_64), kFilterMarker);  // x32 bit: the filter decides
  assert_int_equal(run(limits, kX32 + 400, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, 1000, AUDIT_ARCH_I386), kFilterMarker);
  assert_int_equal(run(limits, 1000, AUDIT_ARCH_AARCH64), kFilterMarker);
}

void test_x86_64_and_x32(void **) {
  bp::EnosysLimits limits;
  limits.x86_64 = 300;
  limits.x32 = kX32 + 100;
  assert_int_equal(run(limits, 301, AUDIT_ARCH_X86_64), kEnosys);
  assert_int_equal(run(limits, 250, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, kX32 + 100, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, kX32 + 101, AUDIT_ARCH_X86_64), kEnosys);
  assert_int_equal(run(limits, kX32 + 5, AUDIT_ARCH_X86_64), kFilterMarker);
}

void test_x32_only(void **) {
  bp::EnosysLimits limits;
  limits.x32 = kX32 + 100;
  assert_int_equal(run(limits, 5000, AUDIT_ARCH_X86_64), kFilterMarker);  // native calls: the filter
  assert_int_equal(run(limits, kX32 + 101, AUDIT_ARCH_X86_64), kEnosys);
}

void test_all_three(void **) {
  bp::EnosysLimits limits;
  limits.x86_64 = 300;
  limits.x32 = kX32 + 100;
  limits.x86 = 200;
  assert_int_equal(run(limits, 301, AUDIT_ARCH_X86_64), kEnosys);
  assert_int_equal(run(limits, kX32 + 101, AUDIT_ARCH_X86_64), kEnosys);
  assert_int_equal(run(limits, 201, AUDIT_ARCH_I386), kEnosys);
  assert_int_equal(run(limits, 200, AUDIT_ARCH_I386), kFilterMarker);
  assert_int_equal(run(limits, 250, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, 9999, AUDIT_ARCH_ARM), kFilterMarker);
}

void test_x86_only(void **) {
  bp::EnosysLimits limits;
  limits.x86 = 200;
  assert_int_equal(run(limits, 9999, AUDIT_ARCH_X86_64), kFilterMarker);
  assert_int_equal(run(limits, 201, AUDIT_ARCH_I386), kEnosys);
  assert_int_equal(run(limits, 2, AUDIT_ARCH_I386), kFilterMarker);
}

}  // namespace

RUN_TESTS("seccomp/enosys_stub", cmocka_unit_test(test_no_limits_no_stub), cmocka_unit_test(test_x86_64_only),
          cmocka_unit_test(test_x86_64_and_x32), cmocka_unit_test(test_x32_only),
          cmocka_unit_test(test_all_three), cmocka_unit_test(test_x86_only))
