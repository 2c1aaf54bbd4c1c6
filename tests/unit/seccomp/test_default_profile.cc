// rootfs/seccomp-default.json against the published semantics of Docker's
// default profile (moby/profiles seccomp/default.json) for an x86_64
// container with Docker's default capabilities and no others. The
// expectations below are the reference; the compiled filter is evaluated for
// each (and a few are run for real in a child process).
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>

#include "lib/seccomp/compile.h"
#include "lib/seccomp/profile_json.h"
#include "tests/unit/seccomp/bpf_eval.h"
#include "tests/unit/seccomp/run_filtered.h"

namespace {

constexpr char kProfile[] = "rootfs/seccomp-default.json";
constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;

struct Expectation {
  const char *what;
  int nr;
  uint64_t arg0;
  uint32_t verdict;
};

const Expectation kExpectations[] = {
    // Everyday syscalls: allowed.
    {"read", 0, 0, kAllow},
    {"write", 1, 0, kAllow},
    {"openat", 257, 0, kAllow},
    {"mmap", 9, 0, kAllow},
    {"execve", 59, 0, kAllow},
    {"exit_group", 231, 0, kAllow},
    {"getppid", 110, 0, kAllow},
    {"futex", 202, 0, kAllow},
    {"rseq", 334, 0, kAllow},
    {"statx", 332, 0, kAllow},
    {"io_setup", 206, 0, kAllow},
    {"name_to_handle_at", 303, 0, kAllow},
    {"setuid", 105, 0, kAllow},
    {"capset", 126, 0, kAllow},
    {"mknodat", 259, 0, kAllow},
    {"memfd_create", 319, 0, kAllow},
    {"pidfd_open", 434, 0, kAllow},
    {"close_range", 436, 0, kAllow},
    {"openat2", 437, 0, kAllow},
    {"faccessat2", 439, 0, kAllow},
    {"landlock_create_ruleset", 444, 0, kAllow},
    {"futex_waitv", 449, 0, kAllow},
    {"cachestat", 451, 0, kAllow},
    {"fchmodat2", 452, 0, kAllow},
    {"map_shadow_stack", 453, 0, kAllow},
    {"futex_wake", 454, 0, kAllow},
    {"futex_requeue", 456, 0, kAllow},
    {"arch_prctl", 158, 0, kAllow},
    {"modify_ldt", 154, 0, kAllow},
    {"chroot (CAP_SYS_CHROOT is a default capability)", 161, 0, kAllow},
    {"ptrace (allowed from kernel 4.8)", 101, 0, kAllow},
    {"process_vm_readv", 310, 0, kAllow},
    // personality: only the five harmless values.
    {"personality(PER_LINUX)", 135, 0x0, kAllow},
    {"personality(PER_LINUX32)", 135, 0x8, kAllow},
    {"personality(UNAME26)", 135, 0x20000, kAllow},
    {"personality(PER_LINUX32|UNAME26)", 135, 0x20008, kAllow},
    {"personality(query)", 135, 0xffffffff, kAllow},
    {"personality(ADDR_NO_RANDOMIZE)", 135, 0x0040000, kEperm},
    {"personality(READ_IMPLIES_EXEC)", 135, 0x0400000, kEperm},
    // socket: every family but AF_ALG (38) and AF_VSOCK (40).
    {"socket(AF_UNIX)", 41, 1, kAllow},
    {"socket(AF_INET)", 41, 2, kAllow},
    {"socket(AF_INET6)", 41, 10, kAllow},
    {"socket(AF_NETLINK)", 41, 16, kAllow},
    {"socket(AF_PACKET)", 41, 17, kAllow},
    {"socket(37)", 41, 37, kAllow},
    {"socket(AF_ALG)", 41, 38, kEperm},
    {"socket(39)", 41, 39, kAllow},
    {"socket(AF_VSOCK)", 41, 40, kEperm},
    {"socket(AF_XDP)", 41, 44, kAllow},
    // clone: threads and processes, never new namespaces (CAP_SYS_ADMIN).
    {"clone(fork flags)", 56, 0x01200011, kAllow},
    {"clone(thread flags)", 56, 0x003d0f00, kAllow},
    {"clone(CLONE_NEWNS)", 56, 0x00020000 | 17, kEperm},
    {"clone(CLONE_NEWUTS)", 56, 0x04000000 | 17, kEperm},
    {"clone(CLONE_NEWIPC)", 56, 0x08000000 | 17, kEperm},
    {"clone(CLONE_NEWUSER)", 56, 0x10000000 | 17, kEperm},
    {"clone(CLONE_NEWPID)", 56, 0x20000000 | 17, kEperm},
    {"clone(CLONE_NEWNET)", 56, 0x40000000 | 17, kEperm},
    {"clone(CLONE_NEWCGROUP)", 56, 0x02000000 | 17, kEperm},
    // clone3 cannot be filtered by flags: ENOSYS, so libcs fall back to clone.
    {"clone3", 435, 0, kEnosys},
    // Capability-gated groups a default container does not get.
    {"mount (CAP_SYS_ADMIN)", 165, 0, kEperm},
    {"umount2", 166, 0, kEperm},
    {"pivot_root", 155, 0, kEperm},
    {"unshare", 272, 0, kEperm},
    {"setns", 308, 0, kEperm},
    {"sethostname", 170, 0, kEperm},
    {"setdomainname", 171, 0, kEperm},
    {"open_tree", 428, 0, kEperm},
    {"move_mount", 429, 0, kEperm},
    {"fsopen", 430, 0, kEperm},
    {"fsmount", 432, 0, kEperm},
    {"mount_setattr", 442, 0, kEperm},
    {"quotactl", 179, 0, kEperm},
    {"quotactl_fd", 443, 0, kEperm},
    {"lookup_dcookie", 212, 0, kEperm},
    {"fanotify_init", 300, 0, kEperm},
    {"bpf (CAP_BPF/CAP_SYS_ADMIN)", 321, 0, kEperm},
    {"perf_event_open (CAP_PERFMON)", 298, 0, kEperm},
    {"syslog (CAP_SYSLOG)", 103, 0, kEperm},
    {"reboot (CAP_SYS_BOOT)", 169, 0, kEperm},
    {"init_module (CAP_SYS_MODULE)", 175, 0, kEperm},
    {"finit_module", 313, 0, kEperm},
    {"delete_module", 176, 0, kEperm},
    {"acct (CAP_SYS_PACCT)", 163, 0, kEperm},
    {"kcmp (CAP_SYS_PTRACE)", 312, 0, kEperm},
    {"pidfd_getfd (CAP_SYS_PTRACE)", 438, 0, kEperm},
    {"process_madvise (CAP_SYS_PTRACE)", 440, 0, kEperm},
    {"iopl (CAP_SYS_RAWIO)", 172, 0, kEperm},
    {"ioperm (CAP_SYS_RAWIO)", 173, 0, kEperm},
    {"settimeofday (CAP_SYS_TIME)", 164, 0, kEperm},
    {"clock_settime (CAP_SYS_TIME)", 227, 0, kEperm},
    {"vhangup (CAP_SYS_TTY_CONFIG)", 153, 0, kEperm},
    {"mbind (CAP_SYS_NICE)", 237, 0, kEperm},
    {"set_mempolicy (CAP_SYS_NICE)", 238, 0, kEperm},
    {"get_mempolicy (CAP_SYS_NICE)", 239, 0, kEperm},
    {"move_pages (CAP_SYS_NICE)", 279, 0, kEperm},
    {"open_by_handle_at (CAP_DAC_READ_SEARCH)", 304, 0, kEperm},
    // Never allowed.
    {"kexec_load", 246, 0, kEperm},
    {"kexec_file_load", 320, 0, kEperm},
    {"keyctl", 250, 0, kEperm},
    {"add_key", 248, 0, kEperm},
    {"request_key", 249, 0, kEperm},
    {"userfaultfd", 323, 0, kEperm},
    {"io_uring_setup", 425, 0, kEperm},
    {"io_uring_enter", 426, 0, kEperm},
    {"io_uring_register", 427, 0, kEperm},
    {"swapon", 167, 0, kEperm},
    {"swapoff", 168, 0, kEperm},
    {"nfsservctl", 180, 0, kEperm},
    {"uselib", 134, 0, kEperm},
    {"ustat", 136, 0, kEperm},
    {"sysfs", 139, 0, kEperm},
    {"_sysctl", 156, 0, kEperm},
    {"migrate_pages", 256, 0, kEperm},
    {"uretprobe", 335, 0, kEperm},
    // Newer than every syscall the profile names (futex_requeue, 456): ENOSYS.
    {"statmount", 457, 0, kEnosys},
    {"listmount", 458, 0, kEnosys},
    {"lsm_get_self_attr", 459, 0, kEnosys},
    {"mseal", 462, 0, kEnosys},
    {"setxattrat (6.13)", 463, 0, kEnosys},
    {"a future syscall", 511, 0, kEnosys},
};

bp::CompiledFilter compile_default(bool binary_tree) {
  bp::SeccompProfile profile = ASSERT_OK(bp::load_seccomp_profile(kProfile));
  bp::SeccompCompileOptions options;
  options.binary_tree = binary_tree;
  bp::CompiledFilter filter = ASSERT_OK(bp::compile_seccomp(profile, options));
  for (const std::string &w : filter.warnings) fail_msg("warning: %s", w.c_str());
  return filter;
}

void check_expectations(const bp::CompiledFilter &filter) {
  for (const Expectation &e : kExpectations) {
    uint32_t got = bp_test::bpf_evaluate(filter.program, bp_test::syscall_data(e.nr, e.arg0));
    if (got != e.verdict) fail_msg("%s: expected %#x, the filter says %#x", e.what, e.verdict, got);
  }
}

void test_matches_docker_semantics(void **) { check_expectations(compile_default(true)); }

void test_linear_layout_same_semantics(void **) { check_expectations(compile_default(false)); }

void test_only_x86_64(void **) {
  // The guest kernel has no 32-bit ABIs; a 32-bit call is a bad architecture.
  bp::CompiledFilter filter = compile_default(true);
  assert_int_equal(
      bp_test::bpf_evaluate(filter.program, bp_test::syscall_data(3, 0, 0, 0, 0, AUDIT_ARCH_I386)),
      SECCOMP_RET_KILL_THREAD);
  assert_int_equal(bp_test::bpf_evaluate(filter.program, bp_test::syscall_data(0x40000000, 0)),
                   SECCOMP_RET_KILL_THREAD);
  assert_int_equal(filter.enosys.x86_64.value_or(0), 456);
}

void test_runs_under_the_kernel(void **) {
  bp_test::Outcome out = bp_test::run_filtered(
      compile_default(true),
      {bp_test::Call{SYS_getppid, {}}, bp_test::Call{SYS_clone3, {0, 0}},
       bp_test::Call{SYS_unshare, {CLONE_NEWNS}}, bp_test::Call{SYS_personality, {0x0040000}},
       bp_test::Call{SYS_socket, {40, 1, 0}}, bp_test::Call{462, {0, 0, 0}}});
  assert_true(out.exited);
  assert_int_equal(out.results.size(), 6);
  assert_int_equal(out.results[0], getpid());
  assert_int_equal(out.results[1], -ENOSYS);
  assert_int_equal(out.results[2], -EPERM);
  assert_int_equal(out.results[3], -EPERM);
  assert_int_equal(out.results[4], -EPERM);
  assert_int_equal(out.results[5], -ENOSYS);
}

}  // namespace

RUN_TESTS("seccomp/default_profile", cmocka_unit_test(test_matches_docker_semantics),
          cmocka_unit_test(test_linear_layout_same_semantics), cmocka_unit_test(test_only_x86_64),
          cmocka_unit_test(test_runs_under_the_kernel))
