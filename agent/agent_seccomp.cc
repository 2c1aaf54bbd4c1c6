#include "agent/agent_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/seccomp/compile.h"
#include "lib/seccomp/install.h"
#include "lib/snp/sev_guest_abi.h"

namespace bp {
namespace {

SeccompArg equal(uint32_t index, uint64_t value) {
  return SeccompArg{index, value, 0, SeccompOperator::equal};
}

// (arg & mask) == datum
SeccompArg masked(uint32_t index, uint64_t mask, uint64_t datum) {
  return SeccompArg{index, mask, datum, SeccompOperator::masked_equal};
}

SeccompRule allow(std::vector<std::string> names, std::vector<SeccompArg> args = {}) {
  SeccompRule rule;
  rule.names = std::move(names);
  rule.action = SeccompAction::allow;
  rule.args = std::move(args);
  return rule;
}

}  // namespace

SeccompProfile agent_seccomp_profile(const AgentSeccompOptions &options) {
  SeccompProfile profile;
  profile.default_action = SeccompAction::errno_return;
  profile.default_errno_ret = EPERM;
  // Memory, threads, time, poll loops, the sockets it already has, reading files.
  profile.syscalls.push_back(
      allow({"read",           "write",           "readv",        "writev",          "pread64",
             "lseek",          "close",           "fstat",        "newfstatat",      "statx",
             "getdents64",     "fcntl",           "poll",         "ppoll",           "futex",
             "rt_sigprocmask", "rt_sigaction",    "rt_sigreturn", "restart_syscall", "munmap",
             "mremap",         "madvise",         "brk",          "mlock",           "munlock",
             "exit",           "exit_group",      "gettid",       "getpid",          "set_robust_list",
             "clock_gettime",  "clock_nanosleep", "nanosleep",    "sched_yield",     "getrandom",
             "accept4",        "recvfrom",        "recvmsg",      "sendto",          "sendmsg",
             "shutdown",       "getsockname",     "getpeername",  "wait4",           "eventfd2"}));
  // Threads, never processes: clone only with CLONE_THREAD. clone3 passes
  // its flags in memory the filter cannot see: ENOSYS makes libcs fall back
  // to clone.
  profile.syscalls.push_back(allow({"clone"}, {masked(0, CLONE_THREAD, CLONE_THREAD)}));
  SeccompRule clone3;
  clone3.names = {"clone3"};
  clone3.action = SeccompAction::errno_return;
  clone3.errno_ret = ENOSYS;
  profile.syscalls.push_back(clone3);
  // No new executable memory.
  profile.syscalls.push_back(allow({"mmap", "mprotect"}, {masked(2, PROT_EXEC, 0)}));
  // Files are opened for reading (the port for reading and writing); never
  // created, truncated or opened write-only.
  const uint64_t kWriteFlags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
  profile.syscalls.push_back(allow({"open"}, {masked(1, kWriteFlags, 0)}));
  profile.syscalls.push_back(allow({"openat"}, {masked(2, kWriteFlags, 0)}));
  // Signals: SIGTERM to bp-init (the shutdown request) and SIGABRT to
  // ourselves (abort()); nothing else.
  profile.syscalls.push_back(
      allow({"kill"}, {equal(0, static_cast<uint64_t>(options.init_pid)), equal(1, SIGTERM)}));
  profile.syscalls.push_back(allow({"tkill"}, {equal(1, SIGABRT)}));
  profile.syscalls.push_back(
      allow({"tgkill"}, {equal(0, static_cast<uint64_t>(options.self)), equal(2, SIGABRT)}));
  if (options.broker) {
    // TCP connections to the broker (IP literals: no resolver sockets).
    for (uint64_t family : {AF_INET, AF_INET6})
      profile.syscalls.push_back(allow({"socket"}, {equal(0, family), masked(1, 0xf, SOCK_STREAM)}));
    profile.syscalls.push_back(allow({"connect"}));
    profile.syscalls.push_back(allow({"setsockopt"}, {equal(1, IPPROTO_TCP), equal(2, TCP_NODELAY)}));
    profile.syscalls.push_back(allow({"getsockopt"}, {equal(1, SOL_SOCKET), equal(2, SO_ERROR)}));
  }
  if (options.provider == "sev-guest") {
    for (uint64_t request : {snp::kSnpGetReport, snp::kSnpGetExtReport})
      profile.syscalls.push_back(allow({"ioctl"}, {equal(1, request)}));
  } else if (options.provider == "tsm") {
    // A configfs-tsm entry per report: mkdir, write the attributes, rmdir.
    profile.syscalls.push_back(allow({"mkdir", "mkdirat", "rmdir"}));
    profile.syscalls.push_back(allow({"unlinkat"}, {equal(2, AT_REMOVEDIR)}));
    const uint64_t kCreateFlags = O_CREAT | O_TRUNC | O_APPEND;
    profile.syscalls.push_back(allow({"open"}, {masked(1, kCreateFlags | O_ACCMODE, O_WRONLY)}));
    profile.syscalls.push_back(allow({"openat"}, {masked(2, kCreateFlags | O_ACCMODE, O_WRONLY)}));
  }
  return profile;
}

Status install_agent_seccomp(const AgentSeccompOptions &options) {
  AgentSeccompOptions with_self = options;
  if (with_self.self == 0) with_self.self = getpid();
  CompiledFilter filter =
      TRY_CONTEXT(compile_seccomp(agent_seccomp_profile(with_self)), "the agent's seccomp filter");
  if (!filter.warnings.empty()) return Error("the agent's seccomp filter: " + filter.warnings.front());
  TRY_CONTEXT(install_seccomp(filter), "the agent's seccomp filter");
  return {};
}

}  // namespace bp
