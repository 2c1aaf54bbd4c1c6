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
  uint32_t verdict;
  uint64_t arg0;
};

const Expectation kExpectations[] = {
    // Everyday syscalls: allowed.
    {"read", 0, kAllow, 0},
    {"write", 1, kAllow, 0},
    {"openat", 257, kAllow, 0},
    {"mmap", 9, kAllow, 0},
    {"execve", 59, kAllow, 0},
    {"exit_group", 231, kAllow, 0},
    {"getppid", 110, kAllow, 0},
    {"futex", 202, kAllow, 0},
    {"rseq", 334, kAllow, 0},
    {"statx", 332, kAllow, 0},
    {"io_setup", 206, kAllow, 0},
    {"name_to_handle_at", 303, kAllow, 0},
    {"setuid", 105, kAllow, 0},
    {"capset", 126, kAllow, 0},
    {"mknodat", 259, kAllow, 0},
    {"memfd_create", 319, kAllow, 0},
    {"pidfd_open", 434, kAllow, 0},
    {"close_range", 436, kAllow, 0},
    {"openat2", 437, kAllow, 0},
    {"faccessat2", 439, kAllow, 0},
    {"landlock_create_ruleset", 444, kAllow, 0},
    {"futex_waitv", 449, kAllow, 0},
    {"cachestat", 451, kAllow, 0},
    {"fchmodat2", 452, kAllow, 0},
    {"map_shadow_stack", 453, kAllow, 0},
    {"futex_wake", 454, kAllow, 0},
    {"futex_requeue", 456, kAllow, 0},
    {"arch_prctl", 158, kAllow, 0},
    {"modify_ldt", 154, kAllow, 0},
    {"chroot (CAP_SYS_CHROOT is a default capability)", 161, kAllow, 0},
    {"ptrace (allowed from kernel 4.8)", 101, kAllow, 0},
    {"process_vm_readv", 310, kAllow, 0},
    // personality: only the five harmless values.
    {"personality(PER_LINUX)", 135, kAllow, 0x0},
    {"personality(PER_LINUX32)", 135, kAllow, 0x8},
    {"personality(UNAME26)", 135, kAllow, 0x20000},
    {"personality(PER_LINUX32|UNAME26)", 135, kAllow, 0x20008},
    {"personality(query)", 135, kAllow, 0xffffffff},
    {"personality(ADDR_NO_RANDOMIZE)", 135, kEperm, 0x0040000},
    {"personality(READ_IMPLIES_EXEC)", 135, kEperm, 0x0400000},
    // socket: every family but AF_ALG (38) and AF_VSOCK (40).
    {"socket(AF_UNIX)", 41, kAllow, 1},
    {"socket(AF_INET)", 41, kAllow, 2},
    {"socket(AF_INET6)", 41, kAllow, 10},
    {"socket(AF_NETLINK)", 41, kAllow, 16},
    {"socket(AF_PACKET)", 41, kAllow, 17},
    {"socket(37)", 41, kAllow, 37},
    {"socket(AF_ALG)", 41, kEperm, 38},
    {"socket(39)", 41, kAllow, 39},
    {"socket(AF_VSOCK)", 41, kEperm, 40},
    {"socket(AF_XDP)", 41, kAllow, 44},
    // clone: threads and processes, never new namespaces (CAP_SYS_ADMIN).
    {"clone(fork flags)", 56, kAllow, 0x01200011},
    {"clone(thread flags)", 56, kAllow, 0x003d0f00},
    {"clone(CLONE_NEWNS)", 56, kEperm, 0x00020000 | 17},
    {"clone(CLONE_NEWUTS)", 56, kEperm, 0x04000000 | 17},
    {"clone(CLONE_NEWIPC)", 56, kEperm, 0x08000000 | 17},
    {"clone(CLONE_NEWUSER)", 56, kEperm, 0x10000000 | 17},
    {"clone(CLONE_NEWPID)", 56, kEperm, 0x20000000 | 17},
    {"clone(CLONE_NEWNET)", 56, kEperm, 0x40000000 | 17},
    {"clone(CLONE_NEWCGROUP)", 56, kEperm, 0x02000000 | 17},
    // clone3 cannot be filtered by flags: ENOSYS, so libcs fall back to clone.
    {"clone3", 435, kEnosys, 0},
    // Capability-gated groups a default container does not get.
    {"mount (CAP_SYS_ADMIN)", 165, kEperm, 0},
    {"umount2", 166, kEperm, 0},
    {"pivot_root", 155, kEperm, 0},
    {"unshare", 272, kEperm, 0},
    {"setns", 308, kEperm, 0},
    {"sethostname", 170, kEperm, 0},
    {"setdomainname", 171, kEperm, 0},
    {"open_tree", 428, kEperm, 0},
    {"move_mount", 429, kEperm, 0},
    {"fsopen", 430, kEperm, 0},
    {"fsmount", 432, kEperm, 0},
    {"mount_setattr", 442, kEperm, 0},
    {"quotactl", 179, kEperm, 0},
    {"quotactl_fd", 443, kEperm, 0},
    {"lookup_dcookie", 212, kEperm, 0},
    {"fanotify_init", 300, kEperm, 0},
    {"bpf (CAP_BPF/CAP_SYS_ADMIN)", 321, kEperm, 0},
    {"perf_event_open (CAP_PERFMON)", 298, kEperm, 0},
    {"syslog (CAP_SYSLOG)", 103, kEperm, 0},
    {"reboot (CAP_SYS_BOOT)", 169, kEperm, 0},
    {"init_module (CAP_SYS_MODULE)", 175, kEperm, 0},
    {"finit_module", 313, kEperm, 0},
    {"delete_module", 176, kEperm, 0},
    {"acct (CAP_SYS_PACCT)", 163, kEperm, 0},
    {"kcmp (CAP_SYS_PTRACE)", 312, kEperm, 0},
    {"pidfd_getfd (CAP_SYS_PTRACE)", 438, kEperm, 0},
    {"process_madvise (CAP_SYS_PTRACE)", 440, kEperm, 0},
    {"iopl (CAP_SYS_RAWIO)", 172, kEperm, 0},
    {"ioperm (CAP_SYS_RAWIO)", 173, kEperm, 0},
    {"settimeofday (CAP_SYS_TIME)", 164, kEperm, 0},
    {"clock_settime (CAP_SYS_TIME)", 227, kEperm, 0},
    {"vhangup (CAP_SYS_TTY_CONFIG)", 153, kEperm, 0},
    {"mbind (CAP_SYS_NICE)", 237, kEperm, 0},
    {"set_mempolicy (CAP_SYS_NICE)", 238, kEperm, 0},
    {"get_mempolicy (CAP_SYS_NICE)", 239, kEperm, 0},
    {"move_pages (CAP_SYS_NICE)", 279, kEperm, 0},
    {"open_by_handle_at (CAP_DAC_READ_SEARCH)", 304, kEperm, 0},
    // Never allowed.
    {"kexec_load", 246, kEperm, 0},
    {"kexec_file_load", 320, kEperm, 0},
    {"keyctl", 250, kEperm, 0},
    {"add_key", 248, kEperm, 0},
    {"request_key", 249, kEperm, 0},
    {"userfaultfd", 323, kEperm, 0},
    {"io_uring_setup", 425, kEperm, 0},
    {"io_uring_enter", 426, kEperm, 0},
    {"io_uring_register", 427, kEperm, 0},
    {"swapon", 167, kEperm, 0},
    {"swapoff", 168, kEperm, 0},
    {"nfsservctl", 180, kEperm, 0},
    {"uselib", 134, kEperm, 0},
    {"ustat", 136, kEperm, 0},
    {"sysfs", 139, kEperm, 0},
    {"_sysctl", 156, kEperm, 0},
    {"migrate_pages", 256, kEperm, 0},
    {"uretprobe", 335, kEperm, 0},
    // Newer than every syscall the profile names (futex_requeue, 456): ENOSYS.
    {"statmount", 457, kEnosys, 0},
    {"listmount", 458, kEnosys, 0},
    {"lsm_get_self_attr", 459, kEnosys, 0},
    {"mseal", 462, kEnosys, 0},
    {"setxattrat (6.13)", 463, kEnosys, 0},
    {"a future syscall", 511, kEnosys, 0},
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
