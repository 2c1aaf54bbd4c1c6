// Loads a compiled filter into the calling thread group: sets no_new_privs
// (needed to load a filter without CAP_SYS_ADMIN, and kept across execve),
// then seccomp(SECCOMP_SET_MODE_FILTER) with the filter's flags (TSYNC at
// least). Meant for the workload child right before execve: it allocates
// nothing on success.
#pragma once

#include "lib/core/result.h"
#include "lib/seccomp/compile.h"

namespace bp {

Status install_seccomp(const CompiledFilter &filter);

}  // namespace bp
