// The workload child's identity and limits, in the order the kernel needs:
// resource limits and oom_score_adj while still privileged, the bounding set
// while CAP_SETPCAP is there, then groups, gid and uid (keeping the permitted
// set across setuid), then the configured capability sets, ambient last;
// umask and the working directory as the final user.
#pragma once

#include "init/workload_plan.h"
#include "init/workload_steps.h"

namespace bp {

StepResult apply_credentials(const ProcessSpec &process);

}  // namespace bp
