// Runs syscalls in a forked child under a compiled filter and reports what
// each returned, or how the child died. The filter must allow write and
// exit_group, which the child uses to report. After the filter is in place
// the child makes raw syscalls only: the sanitizers' interceptors of write
// and _exit make calls of their own (sigaltstack, mmap) that the filter
// would deny.
#pragma once

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <initializer_list>
#include <vector>

#include "lib/seccomp/install.h"
#include "tests/unit/test_support.h"

namespace bp_test {

struct Call {
  long nr;
  long args[6];
};

struct Outcome {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;
  std::vector<long> results;  // the return value, or -errno
};

constexpr int kInstallFailed = 100;

inline Outcome run_filtered(const bp::CompiledFilter &filter, std::initializer_list<Call> calls) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    signal(SIGSYS, SIG_DFL);  // cmocka catches SIGSYS; TRAP must kill here
    if (!bp::install_seccomp(filter).ok()) _exit(kInstallFailed);
    for (const Call &call : calls) {
      long r = syscall(call.nr, call.args[0], call.args[1], call.args[2], call.args[3], call.args[4],
                       call.args[5]);
      long result = r < 0 ? -errno : r;
      if (syscall(SYS_write, fds[1], &result, sizeof result) != sizeof result) syscall(SYS_exit_group, 101);
    }
    syscall(SYS_exit_group, 0);
  }
  close(fds[1]);
  Outcome out;
  long result;
  while (read(fds[0], &result, sizeof result) == sizeof result) out.results.push_back(result);
  close(fds[0]);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  out.exited = WIFEXITED(status);
  if (out.exited) out.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  if (out.exit_code == kInstallFailed) fail_msg("the child could not install the filter");
  return out;
}

}  // namespace bp_test
