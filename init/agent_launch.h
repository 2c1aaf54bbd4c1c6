// Starting bp-agent (its command comes from init.json's agent section): a
// plain child of PID 1 (no namespaces, full privileges, the console as
// stdout/stderr, /dev/null as stdin), in its own session.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "lib/core/result.h"

namespace bp {

struct AgentCommand {
  std::string path;               // e.g. /usr/bin/bp-agent in the initramfs
  std::vector<std::string> args;  // after argv[0]
  // A descriptor the agent gets as fd 3 (the workload secrets, in a sealed
  // memfd: handed over in memory, never as a file), or -1. Not owned.
  int inherited_fd = -1;
};

// Whether the image has the agent (an executable at path).
bool agent_present(const AgentCommand &config);

// Returns once the agent has executed; an exec failure is an error.
Result<pid_t> spawn_agent(const AgentCommand &config);

}  // namespace bp
