// The agent's own seccomp filter: an allow list of the system calls it makes
// once it serves, as a SeccompProfile compiled and loaded by lib/seccomp.
// Anything else fails with EPERM (newer syscalls than the list names with
// ENOSYS, lib/seccomp's runc rule), so a forgotten call shows up as a clear
// error in the log rather than a dead agent. Notably absent: execve,
// process-creating clone, ptrace, mount, socket creation, ioctl, opening
// files for writing or creating them, executable mappings, kill other than
// SIGTERM to bp-init.
#pragma once

#include <sys/types.h>

#include "lib/core/result.h"
#include "lib/seccomp/profile.h"

namespace bp {

struct AgentSeccompOptions {
  pid_t init_pid = 1;  // kill() is allowed for SIGTERM to this process only
  pid_t self = 0;      // tgkill() is allowed for SIGABRT to this process only
};

SeccompProfile agent_seccomp_profile(const AgentSeccompOptions &options);

// Compiles and loads the profile for every thread (TSYNC); sets
// no_new_privs too. Fails on any compiler warning (an unknown name would be
// a silently missing rule).
Status install_agent_seccomp(const AgentSeccompOptions &options);

}  // namespace bp
