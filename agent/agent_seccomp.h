// The agent's own seccomp filter: an allow list of the system calls it makes
// once it serves, as a SeccompProfile compiled and loaded by lib/seccomp.
// Anything else fails with EPERM (newer syscalls than the list names with
// ENOSYS, lib/seccomp's runc rule), so a forgotten call shows up as a clear
// error in the log rather than a dead agent. Notably absent: execve,
// process-creating clone, ptrace, mount, socket creation, ioctl, opening
// files for writing or creating them, executable mappings, kill other than
// SIGTERM to bp-init. With a broker session (broker = true) it may also open
// TCP connections (the broker) and use its attestation provider: the
// SNP_GET_REPORT/SNP_GET_EXT_REPORT ioctls (sev-guest), or creating and
// removing configfs-tsm entries and writing their attributes (tsm); the sim
// provider needs nothing more than the port it opened at start.
#pragma once

#include <sys/types.h>

#include <string>

#include "lib/core/result.h"
#include "lib/seccomp/profile.h"

namespace bp {

struct AgentSeccompOptions {
  pid_t init_pid = 1;    // kill() is allowed for SIGTERM to this process only
  pid_t self = 0;        // tgkill() is allowed for SIGABRT to this process only
  bool broker = false;   // TCP client sockets
  std::string provider;  // "tsm", "sev-guest", "sim" or empty: what the provider may do
};

SeccompProfile agent_seccomp_profile(const AgentSeccompOptions &options);

// Compiles and loads the profile for every thread (TSYNC); sets
// no_new_privs too. Fails on any compiler warning (an unknown name would be
// a silently missing rule).
Status install_agent_seccomp(const AgentSeccompOptions &options);

}  // namespace bp
