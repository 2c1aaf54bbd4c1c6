// Compilation without loading: the 32-bit ABIs next to names only the kernel
// table knows, unknown names as warnings, rules equal to the default,
// binary tree against linear layout, flags, and invalid typed profiles.
#include <errno.h>
#include <seccomp.h>

#include "lib/seccomp/compile.h"
#include "tests/unit/seccomp/bpf_eval.h"
#include "tests/unit/seccomp/profile_builders.h"

namespace {

using bp::SeccompAction;
using bp::SeccompOperator;
using bp_test::arg;
using bp_test::rule;
using bp_test::syscall_data;

constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kX32 = 0x40000000;

uint32_t verdict(const bp::CompiledFilter &f, int nr, uint32_t arch = AUDIT_ARCH_X86_64, uint64_t a0 = 0) {
  return bp_test::bpf_evaluate(f.program, syscall_data(nr, a0, 0, 0, 0, arch));
}

void test_32bit_abis_and_kernel_table_names(void **) {
  bp::SeccompProfile p;
  p.architectures = {bp::SeccompArch::x86_64, bp::SeccompArch::x86, bp::SeccompArch::x32};
  // chown32 exists on i386 only; mseal is known to the kernel table only.
  p.syscalls.push_back(rule({"read", "chown32", "mseal"}, SeccompAction::allow));
  bp::CompiledFilter f = ASSERT_OK(bp::compile_seccomp(p));
  assert_true(f.warnings.empty());
  assert_int_equal(f.enosys.x86_64.value_or(0), 462);
  assert_int_equal(f.enosys.x86.value_or(0), 212);
  assert_int_equal(f.enosys.x32.value_or(0), kX32 + 0);

  assert_int_equal(verdict(f, 0), kAllow);                             // x86_64 read
  assert_int_equal(verdict(f, 462), kAllow);                           // x86_64 mseal
  assert_int_equal(verdict(f, 212), kEperm);                           // x86_64 212 is lookup_dcookie
  assert_int_equal(verdict(f, 463), kEnosys);                          // newer than mseal
  assert_int_equal(verdict(f, 3, AUDIT_ARCH_I386), kAllow);            // i386 read
  assert_int_equal(verdict(f, 212, AUDIT_ARCH_I386), kAllow);          // i386 chown32
  assert_int_equal(verdict(f, 4, AUDIT_ARCH_I386), kEperm);            // i386 write
  assert_int_equal(verdict(f, 213, AUDIT_ARCH_I386), kEnosys);         // newer than chown32 on i386
  assert_int_equal(verdict(f, kX32 + 0, AUDIT_ARCH_X86_64), kAllow);   // x32 read
  assert_int_equal(verdict(f, kX32 + 1, AUDIT_ARCH_X86_64), kEnosys);  // x32 write is newer than read
  assert_int_equal(verdict(f, 0, AUDIT_ARCH_AARCH64),
                   SECCOMP_RET_KILL_THREAD);  // libseccomp's bad-arch action
}

void test_native_only_rejects_other_abis(void **) {
  bp::CompiledFilter f = ASSERT_OK(bp::compile_seccomp(bp_test::base_profile()));
  assert_int_equal(verdict(f, 1), kAllow);
  assert_int_equal(verdict(f, 4, AUDIT_ARCH_I386), SECCOMP_RET_KILL_THREAD);
  assert_int_equal(verdict(f, kX32 + 1, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_THREAD);
  assert_false(f.enosys.x86.has_value());
  assert_false(f.enosys.x32.has_value());
}

void test_unknown_names_warn(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"no_such_syscall", "getppid"}, SeccompAction::allow));
  p.syscalls.push_back(rule({"chown32"}, SeccompAction::allow));  // i386 only, and i386 is not in the profile
  bp::CompiledFilter f = ASSERT_OK(bp::compile_seccomp(p));
  assert_int_equal(f.warnings.size(), 2);
  assert_non_null(strstr(f.warnings[0].c_str(), "syscalls[1]: unknown syscall \"no_such_syscall\" ignored"));
  assert_non_null(strstr(f.warnings[1].c_str(), "\"chown32\""));
  assert_int_equal(verdict(f, 110), kAllow);  // the rest of the rule still applies
}

void test_rule_equal_to_default_is_skipped(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::errno_return, {}, EPERM));
  p.syscalls.push_back(rule({"pidfd_open"}, SeccompAction::errno_return));  // implicit EPERM
  bp::CompiledFilter f = ASSERT_OK(bp::compile_seccomp(p));
  assert_int_equal(verdict(f, 110), kEperm);
  // A skipped rule still names its syscall for the ENOSYS limit, as in runc.
  assert_int_equal(f.enosys.x86_64.value_or(0), 434);
  assert_int_equal(verdict(f, 434), kEperm);
  assert_int_equal(verdict(f, 435), kEnosys);
}

void test_binary_tree_and_linear_agree(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  std::vector<std::string> names;
  for (int nr = 0; nr < 300; nr += 3) {  // 56 (clone) and 110 (getppid) are not among them
    const char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    if (name != nullptr) names.push_back(name);
    free(const_cast<char *>(name));
  }
  p.syscalls.push_back(rule(names, SeccompAction::allow));
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow,
                            {arg(0, SeccompOperator::equal, 8), arg(0, SeccompOperator::equal, 0xffffffff)}));
  p.syscalls.push_back(
      rule({"clone"}, SeccompAction::allow, {arg(0, SeccompOperator::masked_equal, 0x7E020000)}));
  p.syscalls.push_back(rule({"clone3"}, SeccompAction::errno_return, {}, ENOSYS));
  bp::CompiledFilter tree = ASSERT_OK(bp::compile_seccomp(p));
  bp::SeccompCompileOptions linear_options;
  linear_options.binary_tree = false;
  bp::CompiledFilter linear = ASSERT_OK(bp::compile_seccomp(p, linear_options));
  assert_true(tree.program.size() != linear.program.size() ||
              memcmp(tree.program.data(), linear.program.data(), tree.program.size() * sizeof(sock_filter)) !=
                  0);
  const uint64_t args[] = {0, 8, 0xffffffff, 0x10000000, 0x100, 0x20000};
  for (int nr = 0; nr < 520; ++nr) {
    for (uint64_t a0 : args) {
      uint32_t t = verdict(tree, nr, AUDIT_ARCH_X86_64, a0);
      uint32_t l = verdict(linear, nr, AUDIT_ARCH_X86_64, a0);
      if (t != l) fail_msg("syscall %d arg0 %#llx: tree %#x, linear %#x", nr, (unsigned long long)a0, t, l);
    }
  }
  assert_int_equal(verdict(tree, 110, AUDIT_ARCH_X86_64, 8), kAllow);
  assert_int_equal(verdict(tree, 110, AUDIT_ARCH_X86_64, 9), kEperm);
  assert_int_equal(verdict(tree, 56, AUDIT_ARCH_X86_64, 0x10000000), kEperm);  // clone with CLONE_NEWUSER
  assert_int_equal(verdict(tree, 56, AUDIT_ARCH_X86_64, 0x100), kAllow);
  assert_int_equal(verdict(tree, 435), kEnosys);  // clone3, explicitly
}

void test_flags(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  bp::CompiledFilter plain = ASSERT_OK(bp::compile_seccomp(p));
  assert_int_equal(plain.flags, SECCOMP_FILTER_FLAG_TSYNC);
  p.flags = {bp::SeccompFlag::log, bp::SeccompFlag::tsync};
  bp::CompiledFilter logged = ASSERT_OK(bp::compile_seccomp(p));
  assert_int_equal(logged.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG);
}

void test_invalid_typed_profiles(void **) {
  bp::SeccompProfile p = bp_test::base_profile();
  p.default_action = SeccompAction::allow;
  p.default_errno_ret = 1;
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p),
                        "defaultErrnoRet: an errno is only valid with SCMP_ACT_ERRNO");

  p = bp_test::base_profile();
  p.default_errno_ret = 4096;
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "errno 4096 is out of range");

  p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::kill_process, {}, 1));
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "syscalls[1].errnoRet: an errno is only valid");

  p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::trace, {}, 70000));
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "trace message 70000 is out of range");

  p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow, {arg(6, SeccompOperator::equal, 1)}));
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "syscalls[1].args[0].index: 6 is not a syscall argument");

  p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid"}, SeccompAction::allow, {arg(0, SeccompOperator::equal, 1, 2)}));
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "syscalls[1].args[0].valueTwo: only SCMP_CMP_MASKED_EQ");

  p = bp_test::base_profile();
  p.syscalls.push_back(rule({}, SeccompAction::allow));
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "syscalls[1].names: at least one");

  p = bp_test::base_profile();
  p.syscalls.push_back(rule({"getppid", ""}, SeccompAction::allow));
  ASSERT_ERROR_CONTAINS(bp::compile_seccomp(p), "syscalls[1].names[1]: empty syscall name");
}

void test_names_round_trip(void **) {
  for (const char *name : {"SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
                           "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG"}) {
    bp::SeccompAction a = ASSERT_OK(bp::parse_seccomp_action(name));
    assert_string_equal(bp::seccomp_action_name(a), name);
  }
  assert_true(ASSERT_OK(bp::parse_seccomp_action("SCMP_ACT_KILL")) == SeccompAction::kill_thread);
  ASSERT_ERROR_CONTAINS(bp::parse_seccomp_action("SCMP_ACT_NOTIFY"), "no seccomp notification agent");
  ASSERT_ERROR_CONTAINS(bp::parse_seccomp_action("SCMP_ACT_allow"),
                        "unknown seccomp action \"SCMP_ACT_allow\"");
  for (const char *name : {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
                           "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"}) {
    bp::SeccompOperator op = ASSERT_OK(bp::parse_seccomp_operator(name));
    assert_string_equal(bp::seccomp_operator_name(op), name);
  }
  ASSERT_ERROR_CONTAINS(bp::parse_seccomp_operator("SCMP_CMP_XX"), "unknown seccomp operator");
  for (const char *name : {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}) {
    bp::SeccompArch arch = ASSERT_OK(bp::parse_seccomp_arch(name));
    assert_string_equal(bp::seccomp_arch_name(arch), name);
  }
  ASSERT_ERROR_CONTAINS(bp::parse_seccomp_arch("SCMP_ARCH_AARCH64"), "x86_64 only");
  assert_true(ASSERT_OK(bp::parse_seccomp_flag("SECCOMP_FILTER_FLAG_LOG")) == bp::SeccompFlag::log);
  assert_true(ASSERT_OK(bp::parse_seccomp_flag("SECCOMP_FILTER_FLAG_TSYNC")) == bp::SeccompFlag::tsync);
  ASSERT_ERROR_CONTAINS(bp::parse_seccomp_flag("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), "Speculative Store Bypass");
  ASSERT_ERROR_CONTAINS(bp::parse_seccomp_flag("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), "not supported");
}

}  // namespace

RUN_TESTS("seccomp/compile", cmocka_unit_test(test_32bit_abis_and_kernel_table_names),
          cmocka_unit_test(test_native_only_rejects_other_abis), cmocka_unit_test(test_unknown_names_warn),
          cmocka_unit_test(test_rule_equal_to_default_is_skipped),
          cmocka_unit_test(test_binary_tree_and_linear_agree), cmocka_unit_test(test_flags),
          cmocka_unit_test(test_invalid_typed_profiles), cmocka_unit_test(test_names_round_trip))
