// The setup steps of the workload child, and how a failed one travels to the
// parent: the child cannot log (its stdout is the workload's), so it writes
// {step, index, errno} into a CLOEXEC pipe and exits; the parent names the
// step in its error.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>

#include "lib/oci/spec.h"

namespace bp {

enum class WorkloadStep : int32_t {
  stdio,
  mount_private,
  bind_rootfs,
  data_mount,  // index: mounts[]
  pivot_root,
  mount,  // index: mounts[]
  devices,
  masked_path,    // index: maskedPaths[]
  readonly_path,  // index: readonlyPaths[]
  root_readonly,
  hostname,
  rlimit,  // index: rlimits[]
  oom_score_adj,
  bounding_set,  // index: the capability
  keep_caps,
  setgroups,
  setgid,
  setuid,
  capset,
  ambient,  // index: the capability
  chdir,
  signals,
  no_new_privs,
  seccomp,
  execve,
};

struct StepError {
  WorkloadStep step;
  int32_t index;
  int32_t err;
};

// nullopt: the step succeeded.
using StepResult = std::optional<StepError>;

inline StepResult step_failed(WorkloadStep step, int err, int index = 0) {
  return StepError{step, index, err};
}

// "mounting tmpfs at /tmp (mounts[2])" and so on, with details from the spec.
std::string describe_step(const StepError &error, const RuntimeSpec &spec);

}  // namespace bp
