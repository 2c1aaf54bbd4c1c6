// Compiled filters loaded into real child processes on the host: allowed
// calls work, denied ones return the configured errno, syscalls newer than
// the profile return ENOSYS, the kill actions kill with SIGSYS, and argument
// conditions (every operator, MASKED_EQ, same-index OR) behave as in runc.
#include <signal.h>

#include "lib/seccomp/compile.h"
#include "lib/seccomp/syscall_names.h"
#include "tests/unit/seccomp/bpf_eval.h"
#include "tests/unit/seccomp/profile_builders.h"
#include "tests/unit/seccomp/run_filtered.h"

namespace {

using bp::SeccompAction;
using bp::SeccompOperator;
using bp_test::arg;
using bp_test::Call;
using bp_test::rule;

bp::CompiledFilter compile(const bp::SeccompProfile &profile) {
  bp::CompiledFilter filter = ASSERT_OK(bp::compile_seccomp(profile));
  for (const std::string &w : filter.warnings) fail_msg("unexpected warning: %s", w.c_str());
  return filter;
}

// getppid ignores its arguments, so conditions can be tried on any values:
// allowed returns the parent's pid, denied returns -EPERM.
Call getppid_with(long a0, long a1 = 0) { return Call{SYS_getppid, {a0, a1}}; }

void test_allowed_denied_and_newer(void **) {
  bp_test::Outcome out =
      bp_test::run_filtered(compile(bp_test::base_profile()), {
                                                                  Call{SYS_getpid, {}},
                                                                  Call{SYS_getppid, {}},
                                                                  Call{SYS_getrandom, {0, 0, 0}},
                                                                  Call{SYS_memfd_create, {0, 0}},
                                                              });
  assert_true(out.exited);
  assert_int_equal(out.exit_code, 0);
  assert_int_equal(out.results.size(), 4);
  assert_true(out.results[0] > 0);            // getpid: allowed
  assert_int_equal(out.results[1], -EPERM);   // getppid (110): unnamed, default errno
  assert_int_equal(out.results[2], -ENOSYS);  // getrandom (318): newer than exit_group (231)
  assert_int_equal(out.results[3], -ENOSYS);  // memfd_create (319)
}

void test_configured_errnos(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.default_errno_ret = EACCES;
  p.syscalls.push_back(rule({"getuid"}, SeccompAction::errno_return, {}, EOPNOTSUPP));
  p.syscalls.push_back(rule({"getgid"}, SeccompAction::errno_return));  // no errnoRet: EPERM
  bp_test::Outcome out = bp_test::run_filtered(
      compile(p), {Call{SYS_getppid, {}}, Call{SYS_getuid, {}}, Call{SYS_getgid, {}}, Call{SYS_getpid, {}}});
  assert_int_equal(out.results.size(), 4);
  assert_int_equal(out.results[0], -EACCES);
  assert_int_equal(out.results[1], -EOPNOTSUPP);
  assert_int_equal(out.results[2], -EPERM);
  assert_true(out.results[3] > 0);
}

void test_no_stub_when_default_allows(void **) {
  bp::SeccompProfile p;
  p.default_action = SeccompAction::allow;
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::errno_return, {}, EIO));
  bp::CompiledFilter filter = compile(p);
  assert_false(filter.enosys.x86_64.has_value());
  bp_test::Outcome out =
      bp_test::run_filtered(filter, {Call{SYS_getppid, {}}, Call{SYS_getrandom, {0, 0, 0}}});
  assert_int_equal(out.results[0], -EIO);
  assert_int_equal(out.results[1], 0);  // getrandom of 0 bytes, allowed
}

void test_no_stub_when_default_is_enosys(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.default_errno_ret = ENOSYS;
  bp::CompiledFilter filter = compile(p);
  assert_false(filter.enosys.x86_64.has_value());
  bp_test::Outcome out =
      bp_test::run_filtered(filter, {Call{SYS_getppid, {}}, Call{SYS_getrandom, {0, 0, 0}}});
  assert_int_equal(out.results[0], -ENOSYS);
  assert_int_equal(out.results[1], -ENOSYS);
}

void expect_sigsys(SeccompAction action) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, action));
  bp_test::Outcome out = bp_test::run_filtered(compile(p), {Call{SYS_getpid, {}}, Call{SYS_getppid, {}}});
  if (out.exited || out.signal != SIGSYS || out.results.size() != 1)
    fail_msg("%s: exited %d code %d signal %d after %zu results", bp::seccomp_action_name(action), out.exited,
             out.exit_code, out.signal, out.results.size());
}

void test_kill_actions(void **) {
  expect_sigsys(SeccompAction::kill_thread);
  expect_sigsys(SeccompAction::kill_process);
  expect_sigsys(SeccompAction::trap);  // SIGSYS with its default disposition
}

void test_default_kill_keeps_enosys_for_newer(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.default_action = SeccompAction::kill_process;
  bp::CompiledFilter filter = compile(p);
  bp_test::Outcome newer = bp_test::run_filtered(filter, {Call{SYS_getrandom, {0, 0, 0}}});
  assert_true(newer.exited);
  assert_int_equal(newer.results[0], -ENOSYS);
  bp_test::Outcome older = bp_test::run_filtered(filter, {Call{SYS_getppid, {}}});
  assert_int_equal(older.signal, SIGSYS);
}

void test_log_and_trace(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::log));
  p.syscalls.push_back(rule({"getuid"}, SeccompAction::trace));
  bp_test::Outcome out = bp_test::run_filtered(compile(p), {Call{SYS_getppid, {}}, Call{SYS_getuid, {}}});
  assert_int_equal(out.results[0], getpid());  // LOG lets it through; our pid is the child's parent
  assert_int_equal(out.results[1], -ENOSYS);   // TRACE without a tracer
}

void test_masked_equal(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  // (arg0 & 0xf0) == 0x30, value = mask and valueTwo = datum as in runc.
  p.syscalls.push_back(
      rule({"getppid"}, SeccompAction::allow, {arg(0, SeccompOperator::masked_equal, 0xf0, 0x30)}));
  bp_test::Outcome out = bp_test::run_filtered(
      compile(p),
      {getppid_with(0x35), getppid_with(0x30), getppid_with(0x130), getppid_with(0x45), getppid_with(0)});
  long parent = getpid();
  assert_int_equal(out.results[0], parent);
  assert_int_equal(out.results[1], parent);
  assert_int_equal(out.results[2], parent);  // bit 8 is outside the mask
  assert_int_equal(out.results[3], -EPERM);
  assert_int_equal(out.results[4], -EPERM);
}

void test_docker_clone_mask(void **) {
  // Docker's clone rule: no CLONE_NEW* flag, (flags & 0x7E020000) == 0.
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(
      rule({"getppid"}, SeccompAction::allow, {arg(0, SeccompOperator::masked_equal, 0x7E020000, 0)}));
  bp_test::Outcome out = bp_test::run_filtered(
      compile(p), {getppid_with(0x01200011 /* fork's flags */), getppid_with(0x10000000 /* CLONE_NEWUSER */),
                   getppid_with(0x00020000 /* CLONE_NEWNS */)});
  assert_int_equal(out.results[0], getpid());
  assert_int_equal(out.results[1], -EPERM);
  assert_int_equal(out.results[2], -EPERM);
}

void test_same_index_is_or(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow,
                            {arg(0, SeccompOperator::equal, 1), arg(0, SeccompOperator::equal, 2)}));
  bp_test::Outcome out =
      bp_test::run_filtered(compile(p), {getppid_with(1), getppid_with(2), getppid_with(3), getppid_with(0)});
  assert_int_equal(out.results[0], getpid());
  assert_int_equal(out.results[1], getpid());
  assert_int_equal(out.results[2], -EPERM);
  assert_int_equal(out.results[3], -EPERM);
}

void test_different_indexes_are_and(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow,
                            {arg(0, SeccompOperator::equal, 1), arg(1, SeccompOperator::equal, 2)}));
  bp_test::Outcome out =
      bp_test::run_filtered(compile(p), {getppid_with(1, 2), getppid_with(1, 3), getppid_with(0, 2)});
  assert_int_equal(out.results[0], getpid());
  assert_int_equal(out.results[1], -EPERM);
  assert_int_equal(out.results[2], -EPERM);
}

void test_repeated_index_makes_every_condition_or(void **) {
  // runc: once any index repeats, every condition of the rule is its own rule.
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow,
                            {arg(0, SeccompOperator::equal, 1), arg(0, SeccompOperator::equal, 2),
                             arg(1, SeccompOperator::equal, 9)}));
  bp_test::Outcome out =
      bp_test::run_filtered(compile(p), {getppid_with(3, 9), getppid_with(1, 0), getppid_with(3, 0)});
  assert_int_equal(out.results[0], getpid());
  assert_int_equal(out.results[1], getpid());
  assert_int_equal(out.results[2], -EPERM);
}

void test_every_operator_on_64_bits(void **) {
  struct Case {
    SeccompOperator op;
    uint64_t value;
    long allowed;
    long denied;
  };
  const long big = 0x100000000L;
  const Case cases[] = {
      {SeccompOperator::not_equal, static_cast<uint64_t>(big), big + 1, big},
      {SeccompOperator::less, static_cast<uint64_t>(big), big - 1, big},
      {SeccompOperator::less_equal, static_cast<uint64_t>(big), big, big + 1},
      {SeccompOperator::equal, static_cast<uint64_t>(big), big, 0},  // differs only in the high word
      {SeccompOperator::greater_equal, static_cast<uint64_t>(big), big, big - 1},
      {SeccompOperator::greater, static_cast<uint64_t>(big), big + 1, big},
  };
  for (const Case &c : cases) {
    bp::SeccompProfile p = bp_test::base_profile();
    p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow, {arg(2, c.op, c.value)}));
    bp_test::Outcome out = bp_test::run_filtered(
        compile(p), {Call{SYS_getppid, {0, 0, c.allowed}}, Call{SYS_getppid, {0, 0, c.denied}}});
    if (out.results[0] != getpid() || out.results[1] != -EPERM)
      fail_msg("%s: got %ld and %ld", bp::seccomp_operator_name(c.op), out.results[0], out.results[1]);
  }
}

void test_name_only_the_kernel_table_knows(void **) {
  // mseal (Linux 6.10) is past libseccomp 2.5.4's table even with Debian's
  // additions; the kernel table supplies its number.
  assert_int_equal(bp::kernel_x86_64_syscall_number("mseal").value_or(-1), 462);
  bp::SeccompProfile p = bp_test::base_profile();
  bp_test::Outcome without = bp_test::run_filtered(compile(p), {Call{462, {0, 0, 1}}});
  assert_int_equal(without.results[0], -ENOSYS);  // newer than the profile
  p.syscalls.push_back(rule({"mseal"}, SeccompAction::allow));
  bp::CompiledFilter filter = compile(p);
  assert_int_equal(filter.enosys.x86_64.value_or(0), 462);
  bp_test::Outcome with = bp_test::run_filtered(filter, {Call{462, {0, 0, 1}}, Call{463, {}}});
  assert_int_equal(with.results[0], -EINVAL);  // reached the kernel, which refuses flags=1
  assert_int_equal(with.results[1], -ENOSYS);
}

void test_evaluator_agrees_with_kernel(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getuid"}, SeccompAction::errno_return, {}, EIO));
  p.syscalls.push_back(
      rule({"getppid"}, SeccompAction::allow, {arg(0, SeccompOperator::masked_equal, 0xf, 3)}));
  bp::CompiledFilter filter = compile(p);
  const Call calls[] = {Call{SYS_getpid, {}}, Call{SYS_getuid, {}}, Call{SYS_getgid, {}},
                        getppid_with(0x13),   getppid_with(0x14),   Call{SYS_getrandom, {0, 0, 0}}};
  bp_test::Outcome out =
      bp_test::run_filtered(filter, {calls[0], calls[1], calls[2], calls[3], calls[4], calls[5]});
  for (size_t i = 0; i < 6; ++i) {
    const Call &c = calls[i];
    uint32_t verdict = bp_test::bpf_evaluate(
        filter.program, bp_test::syscall_data(static_cast<int>(c.nr), c.args[0], c.args[1]));
    if ((verdict & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW) {
      assert_true(out.results[i] >= 0);
    } else {
      assert_int_equal((verdict & SECCOMP_RET_ACTION_FULL), SECCOMP_RET_ERRNO);
      assert_int_equal(out.results[i], -static_cast<long>(verdict & SECCOMP_RET_DATA));
    }
  }
}

}  // namespace

RUN_TESTS("seccomp/run", cmocka_unit_test(test_allowed_denied_and_newer),
          cmocka_unit_test(test_configured_errnos), cmocka_unit_test(test_no_stub_when_default_allows),
          cmocka_unit_test(test_no_stub_when_default_is_enosys), cmocka_unit_test(test_kill_actions),
          cmocka_unit_test(test_default_kill_keeps_enosys_for_newer), cmocka_unit_test(test_log_and_trace),
          cmocka_unit_test(test_masked_equal), cmocka_unit_test(test_docker_clone_mask),
          cmocka_unit_test(test_same_index_is_or), cmocka_unit_test(test_different_indexes_are_and),
          cmocka_unit_test(test_repeated_index_makes_every_condition_or),
          cmocka_unit_test(test_every_operator_on_64_bits),
          cmocka_unit_test(test_name_only_the_kernel_table_knows),
          cmocka_unit_test(test_evaluator_agrees_with_kernel))
