// The whole boot of bp-init as one function: every stage in order, each
// timed and logged (stage.h). Returns when the VM should power off, with
// every key wiped and every device torn down (the resources are scoped to
// this function), so main() only has to power off.
#pragma once

#include "lib/core/log.h"

namespace bp {

struct BootOutcome {
  bool workload_ran = false;
  int workload_status = 0;  // shell convention: status, or 128 + signal
  bool failed = false;      // a stage failed: the failure is logged
  bool debug_flavour = false;
};

BootOutcome run_boot(const Log &console_log);

}  // namespace bp
