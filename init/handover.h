// bp-init's handover stage (DESIGN.md section 2): starts the workload of the
// OCI bundle in its own namespaces. The child enters the rootfs
// (workload_rootfs.h), takes the configured identity (workload_credentials.h),
// resets its signal mask, sets no_new_privs, loads the seccomp filter last
// and executes process.args. A failed step comes back as an Error that names
// it ("handover: loading the seccomp filter: Invalid argument").
//
// The workload's stdin is /dev/null; its stdout and stderr are pipes that the
// supervisor relays to the console line by line (output_relay.h).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "lib/core/result.h"
#include "lib/core/unique_fd.h"
#include "lib/oci/spec.h"
#include "lib/seccomp/compile.h"

namespace bp {

struct HandoverParams {
  std::string bundle_dir;               // a relative root.path is taken from here
  std::optional<std::string> data_dir;  // the mounted data volume, for bind mounts of "/data"
  // bp-init always passes one (the bundle's profile or the image's default);
  // nullptr loads no filter but still sets no_new_privs.
  const CompiledFilter *seccomp = nullptr;
};

struct WorkloadProcess {
  pid_t pid = -1;
  UniqueFd stdout_fd;  // read ends, non-blocking
  UniqueFd stderr_fd;
};

// Namespaces: a new mount namespace always, UTS, IPC and PID ones as the
// spec says. Returns once the child has executed the workload.
Result<WorkloadProcess> start_workload(const RuntimeSpec &spec, const HandoverParams &params);

// The candidates execve tries for args[0]: itself if it contains a '/',
// else each directory of the PATH in env (or the usual default PATH).
std::vector<std::string> exec_candidates(const ProcessSpec &process);

}  // namespace bp
