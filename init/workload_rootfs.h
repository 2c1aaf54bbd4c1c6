// The workload child's filesystem view, inside its new mount namespace:
// private propagation, the rootfs bound onto itself, the data volume bound
// in, pivot_root (the old root is detached, no directory needed, so a
// read-only rootfs works), the config's mounts, the default devices when
// /dev is a tmpfs, masked and read-only paths, a read-only root, hostname.
#pragma once

#include "init/workload_plan.h"
#include "init/workload_steps.h"

namespace bp {

StepResult enter_rootfs(const WorkloadPlan &plan);

}  // namespace bp
