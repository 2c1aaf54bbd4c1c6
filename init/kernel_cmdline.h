// The kernel command line, split the way the kernel itself splits it
// (kernel/params.c next_arg: spaces separate, double quotes group, a quoted
// "key=value" or key="value" loses its quotes, "--" ends the kernel's part).
// The command line is measured (SNP kernel-hashes), but only `bp.*` keys mean
// anything to bp-init, and unknown `bp.*` keys are errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"

namespace bp {

struct KernelParam {
  std::string key;
  std::string value;  // empty for a bare flag
  bool has_value = false;
};

// At most 4096 bytes (the x86 COMMAND_LINE_SIZE of 6.12 is 2048; twice that
// leaves room and still bounds the work).
Result<std::vector<KernelParam>> parse_kernel_cmdline(std::string_view cmdline);

}  // namespace bp
