#include "agent/agent_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>

#include "lib/core/format.h"

namespace bp {
namespace {

struct ContextReleaser {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextReleaser>;

// Calls the agent makes once it serves: memory, threads, time, poll loops,
// sockets it already has, reading files.
const int kAllowed[] = {
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(pread64),
    SCMP_SYS(lseek),
    SCMP_SYS(close),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(getdents64),
    SCMP_SYS(fcntl),
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(futex),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigaction),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(restart_syscall),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    SCMP_SYS(brk),
    SCMP_SYS(mlock),
    SCMP_SYS(munlock),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(gettid),
    SCMP_SYS(getpid),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep),
    SCMP_SYS(sched_yield),
    SCMP_SYS(getrandom),
    SCMP_SYS(accept4),
    SCMP_SYS(recvfrom),
    SCMP_SYS(recvmsg),
    SCMP_SYS(sendto),
    SCMP_SYS(sendmsg),
    SCMP_SYS(shutdown),
    SCMP_SYS(getsockname),
    SCMP_SYS(getpeername),
    SCMP_SYS(wait4),
    SCMP_SYS(eventfd2),
};

Status add(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned count, const scmp_arg_cmp *args,
           const char *what) {
  int rc = seccomp_rule_add_array(ctx, action, syscall, count, args);
  if (rc != 0) return Error::from_errno(format("seccomp: adding the rule for %s", what), -rc);
  return {};
}

}  // namespace

Status install_agent_seccomp(const AgentSeccompOptions &options) {
  Context ctx(seccomp_init(SCMP_ACT_ERRNO(EPERM)));
  if (!ctx) return Error("seccomp: seccomp_init failed");
  scmp_filter_ctx c = ctx.get();
  if (int rc = seccomp_attr_set(c, SCMP_FLTATR_CTL_TSYNC, 1); rc != 0)
    return Error::from_errno("seccomp: TSYNC", -rc);
  for (int syscall : kAllowed) TRY(add(c, SCMP_ACT_ALLOW, syscall, 0, nullptr, "a basic call"));

  // Threads, never processes: clone only with CLONE_THREAD. clone3 passes
  // its flags in memory the filter cannot see: ENOSYS makes libcs fall back
  // to clone.
  scmp_arg_cmp thread[] = {SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, thread, "clone"));
  TRY(add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, nullptr, "clone3"));

  // No new executable memory.
  scmp_arg_cmp mmap_no_exec[] = {SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, mmap_no_exec, "mmap"));
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, mmap_no_exec, "mprotect"));

  // Files are opened for reading (the port for reading and writing); never
  // created, truncated or opened write-only.
  const scmp_datum_t kWriteFlags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
  scmp_arg_cmp open_flags[] = {SCMP_A1(SCMP_CMP_MASKED_EQ, kWriteFlags, 0)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(open), 1, open_flags, "open"));
  scmp_arg_cmp openat_flags[] = {SCMP_A2(SCMP_CMP_MASKED_EQ, kWriteFlags, 0)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1, openat_flags, "openat"));

  // Signals: SIGTERM to the init (the shutdown request) and SIGABRT to
  // ourselves (abort()); nothing else.
  scmp_arg_cmp shutdown_signal[] = {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(options.init_pid)),
                                    SCMP_A1(SCMP_CMP_EQ, SIGTERM)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(kill), 2, shutdown_signal, "kill"));
  scmp_arg_cmp abort_signal[] = {SCMP_A1(SCMP_CMP_EQ, SIGABRT)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(tkill), 1, abort_signal, "tkill"));
  scmp_arg_cmp own_group[] = {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(getpid())),
                              SCMP_A2(SCMP_CMP_EQ, SIGABRT)};
  TRY(add(c, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 2, own_group, "tgkill"));

  if (int rc = seccomp_load(c); rc != 0) return Error::from_errno("seccomp: loading the filter", -rc);
  return {};
}

}  // namespace bp
