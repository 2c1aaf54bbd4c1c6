// The agent's own seccomp filter: an allow list of the system calls it makes
// (built with libseccomp directly; to be unified with lib/seccomp once that
// lands on main). Anything else fails with EPERM, so a forgotten call shows
// up as a clear error in the log rather than a dead agent. Notably absent:
// execve, fork-style clone, ptrace, mount, socket creation, open for
// writing of anything but what the agent writes.
#pragma once

#include <sys/types.h>

#include "lib/core/result.h"

namespace bp {

struct AgentSeccompOptions {
  pid_t init_pid = 1;  // kill() is allowed for SIGTERM to this process only
};

// Sets no_new_privs itself too (the kernel requires it or CAP_SYS_ADMIN) and
// applies the filter to every thread (TSYNC).
Status install_agent_seccomp(const AgentSeccompOptions &options);

}  // namespace bp
