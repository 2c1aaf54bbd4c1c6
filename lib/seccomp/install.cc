#include "lib/seccomp/install.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/core/format.h"

namespace bp {

Status install_seccomp(const CompiledFilter &filter) {
  if (filter.program.empty() || filter.program.size() > BPF_MAXINSNS)
    return Error(format("seccomp filter with %zu instructions cannot be loaded", filter.program.size()));
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return Error::from_errno("prctl(PR_SET_NO_NEW_PRIVS)", errno);
  sock_fprog prog{static_cast<unsigned short>(filter.program.size()),
                  const_cast<sock_filter *>(filter.program.data())};
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter.flags, &prog);
  if (rc < 0) return Error::from_errno("seccomp(SECCOMP_SET_MODE_FILTER)", errno);
  // With TSYNC, a positive result names a thread that could not be synced.
  if (rc > 0) return Error(format("seccomp TSYNC failed: thread %ld has an incompatible filter", rc));
  return {};
}

}  // namespace bp
