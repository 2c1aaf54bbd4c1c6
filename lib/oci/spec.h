// The OCI runtime config (config.json, runtime-spec v1.0-v1.2) in typed form:
// the subset a pod VM's single workload needs. The JSON parser (spec_json.h)
// rejects everything else with the field's path; init/handover.h applies it.
//
// Decisions (see the parser for the full list of rejected fields):
// - process.terminal must be false (output goes to the console, line by line).
// - no_new_privs is always set: the seccomp filter is loaded after the
//   capabilities are dropped, which needs it (DESIGN.md section 7). An
//   explicit "noNewPrivileges": false is rejected rather than ignored.
// - namespaces: mount (required: the workload gets its own mount table),
//   uts, ipc, pid. Not network (the workload uses the VM's network), user,
//   cgroup or time, and no joining by path.
// - mounts: proc, sysfs (read-only), tmpfs, devpts, mqueue, and one bind
//   kind: source "/data", the VM's data volume (mounted by bp-init).
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/seccomp/profile.h"

namespace bp {

// Bit n stands for capability n (CAP_CHOWN = 0, ...).
struct CapabilitySets {
  uint64_t bounding = 0;
  uint64_t effective = 0;
  uint64_t inheritable = 0;
  uint64_t permitted = 0;
  uint64_t ambient = 0;
};

struct ResourceLimit {
  int resource = 0;  // RLIMIT_*
  uint64_t soft = 0;
  uint64_t hard = 0;
};

struct ProcessUser {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;
  std::optional<uint32_t> umask;
};

struct ProcessSpec {
  std::vector<std::string> args;  // args[0] without '/' is looked up in env's PATH
  std::vector<std::string> env;   // "NAME=value"
  std::string cwd;                // absolute, inside the container
  ProcessUser user;
  CapabilitySets capabilities;
  std::vector<ResourceLimit> rlimits;
  std::optional<int> oom_score_adj;
};

enum class MountType { proc, sysfs, tmpfs, devpts, mqueue, data_bind };

struct MountSpec {
  MountType type = MountType::tmpfs;
  std::string destination;  // absolute, normalised, inside the container
  unsigned long flags = 0;  // MS_*; for data_bind MS_BIND (| MS_REC) plus the remount flags
  std::string data;         // filesystem options, e.g. "mode=755,size=65536k"
};

struct NamespaceSet {
  bool mount = false;
  bool uts = false;
  bool ipc = false;
  bool pid = false;
};

struct RuntimeSpec {
  std::string oci_version;
  ProcessSpec process;
  std::string root_path;  // relative to the bundle directory, or absolute
  bool root_readonly = false;
  std::optional<std::string> hostname;
  std::vector<MountSpec> mounts;  // in config order
  NamespaceSet namespaces;
  std::vector<std::string> masked_paths;    // covered: /dev/null on files, read-only tmpfs on directories
  std::vector<std::string> readonly_paths;  // bind-remounted read-only
  std::optional<SeccompProfile> seccomp;    // none: the image's default profile
  // Kept for whoever reads them (the agent); they change nothing here.
  std::vector<std::pair<std::string, std::string>> annotations;
};

}  // namespace bp
