// Syscall overhead under the default seccomp profile (issue 8's benchmark):
// nanoseconds per call of a cheap syscall that the linear filter checks late,
// with no filter, with the default profile as bp-init compiles it (binary
// tree) and with the same profile in libseccomp's linear layout (what runc
// uses for profiles of 32 rules or fewer). All three in one run, each in its
// own child process, best of several rounds.
//
//   seccomp-bench [profile.json]   (default rootfs/seccomp-default.json)
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/seccomp/compile.h"
#include "lib/seccomp/install.h"
#include "lib/seccomp/profile_json.h"

namespace {

constexpr int kRepeats = 5;  // the three configurations take turns, so drift hits them alike
constexpr int kRounds = 30;  // short rounds: on a busy machine some run undisturbed
constexpr long kCallsPerRound = 20000;

struct Call {
  const char *name;
  long nr;
  long args[3];
  const char *why;
};

// Two cheap calls that the default profile allows late in libseccomp's
// linear layout (ascending syscall numbers, argument-checked rules last).
// Since Linux 5.11 the kernel caches, per syscall number, "this filter always
// allows it" and then skips the filter; that holds for membarrier but not for
// personality, whose argument is checked, so only the latter runs the BPF.
const Call kCalls[] = {
    {"membarrier(MEMBARRIER_CMD_QUERY)", SYS_membarrier, {0, 0, 0}, "allowed whatever its arguments"},
    {"personality(0xffffffff)", SYS_personality, {0xffffffff, 0, 0}, "allowed for 5 argument values"},
};

// Where the linear program first compares the syscall number with nr: the
// later, the more instructions a call runs through.
size_t position_in(const std::vector<sock_filter> &program, long nr) {
  for (size_t i = 0; i < program.size(); ++i) {
    const sock_filter &insn = program[i];
    if (insn.code == (BPF_JMP | BPF_JEQ | BPF_K) && insn.k == static_cast<uint32_t>(nr)) return i;
  }
  return 0;
}

double now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // the vDSO: no syscall, so never filtered
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Best ns per call over kRounds, measured in a child under the filter.
bool measure(const bp::CompiledFilter *filter, const Call &call, double &best) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fds[0]);
    // Every configuration on the same CPU, so they compete alike.
    cpu_set_t cpu;
    CPU_ZERO(&cpu);
    CPU_SET(0, &cpu);
    (void)sched_setaffinity(0, sizeof cpu, &cpu);
    if (filter != nullptr && !bp::install_seccomp(*filter).ok()) _exit(2);
    const long *a = call.args;
    for (long i = 0; i < kCallsPerRound; ++i) syscall(call.nr, a[0], a[1], a[2]);  // warm up
    double result = 1e18;
    for (int round = 0; round < kRounds; ++round) {
      double start = now_ns();
      for (long i = 0; i < kCallsPerRound; ++i) syscall(call.nr, a[0], a[1], a[2]);
      double per_call = (now_ns() - start) / kCallsPerRound;
      if (per_call < result) result = per_call;
    }
    _exit(write(fds[1], &result, sizeof result) == sizeof result ? 0 : 3);
  }
  close(fds[1]);
  bool ok = read(fds[0], &best, sizeof best) == sizeof best;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "rootfs/seccomp-default.json";
  bp::Result<bp::SeccompProfile> profile = bp::load_seccomp_profile(path);
  if (!profile.ok()) {
    (void)fprintf(stderr, "seccomp-bench: %s\n", profile.error().message().c_str());
    return 1;
  }
  bp::SeccompCompileOptions linear_options;
  linear_options.binary_tree = false;
  bp::Result<bp::CompiledFilter> tree = bp::compile_seccomp(profile.value());
  bp::Result<bp::CompiledFilter> linear = bp::compile_seccomp(profile.value(), linear_options);
  if (!tree.ok() || !linear.ok()) {
    (void)fprintf(stderr, "seccomp-bench: %s\n", (!tree.ok() ? tree : linear).error().message().c_str());
    return 1;
  }

  printf("profile %s: %zu BPF instructions with the binary tree, %zu in the linear layout\n", path,
         tree.value().program.size(), linear.value().program.size());

  // Any filter at all moves syscalls to the kernel's slow entry path; a
  // filter that allows everything at once measures that share.
  bp::CompiledFilter allow_all;
  allow_all.program = {sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}};
  allow_all.flags = SECCOMP_FILTER_FLAG_TSYNC;
  const bp::CompiledFilter *filters[4] = {nullptr, &allow_all, &tree.value(), &linear.value()};

  for (const Call &call : kCalls) {
    double best[4] = {1e18, 1e18, 1e18, 1e18};
    for (int repeat = 0; repeat < kRepeats; ++repeat) {
      for (int i = 0; i < 4; ++i) {
        double ns = 0;
        if (!measure(filters[i], call, ns)) {
          (void)fprintf(stderr, "seccomp-bench: a measuring child failed\n");
          return 1;
        }
        if (ns < best[i]) best[i] = ns;
      }
    }
    printf(
        "%s (%s; compared at instruction %zu of %zu in the linear layout): %.1f ns without a filter, %.1f ns "
        "allow-all filter, %.1f ns binary tree, %.1f ns linear\n",
        call.name, call.why, position_in(linear.value().program, call.nr), linear.value().program.size(),
        best[0], best[1], best[2], best[3]);
    printf("RESULT seccomp %s: default profile vs no filter | %.1f | %.1f | ns/call | filter overhead\n",
           call.name, best[2], best[0]);
    printf(
        "RESULT seccomp %s: binary tree vs linear layout | %.1f | %.1f | ns/call | < 1: the tree is faster\n",
        call.name, best[2], best[3]);
  }
  return 0;
}
