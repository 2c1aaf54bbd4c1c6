// Everything the workload child needs, prepared by the parent before the
// fork, so that the child only makes system calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/oci/spec.h"
#include "lib/seccomp/compile.h"

namespace bp {

struct WorkloadPlan {
  const RuntimeSpec *spec = nullptr;
  std::string rootfs;                   // absolute path of the bundle's root filesystem
  std::optional<std::string> data_dir;  // the data volume, for data_bind mounts
  const CompiledFilter *seccomp = nullptr;
  std::vector<std::string> exec_candidates;  // tried in order (PATH lookup of args[0])
  std::vector<char *> argv;                  // null-terminated, pointing into spec
  std::vector<char *> envp;                  // null-terminated, pointing into spec
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

}  // namespace bp
