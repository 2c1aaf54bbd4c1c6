#include "init/workload_steps.h"

#include "lib/core/format.h"
#include "lib/oci/capabilities.h"
#include "lib/oci/rlimits.h"

namespace bp {
namespace {

const char *mount_type_name(MountType type) {
  switch (type) {
    case MountType::proc:
      return "proc";
    case MountType::sysfs:
      return "sysfs";
    case MountType::tmpfs:
      return "tmpfs";
    case MountType::devpts:
      return "devpts";
    case MountType::mqueue:
      return "mqueue";
    case MountType::data_bind:
      return "the data volume";
  }
  return "?";
}

template <typename T>
const T *at(const std::vector<T> &items, int32_t index) {
  return index >= 0 && static_cast<size_t>(index) < items.size() ? &items[static_cast<size_t>(index)]
                                                                 : nullptr;
}

std::string describe_mount(const RuntimeSpec &spec, int32_t index) {
  const MountSpec *mount = at(spec.mounts, index);
  if (mount == nullptr) return format("mounts[%d]", index);
  return format("mounting %s at %s (mounts[%d])", mount_type_name(mount->type), mount->destination.c_str(),
                index);
}

std::string describe_path(const char *what, const char *field, const std::vector<std::string> &paths,
                          int32_t index) {
  const std::string *path = at(paths, index);
  return format("%s %s (%s[%d])", what, path != nullptr ? path->c_str() : "?", field, index);
}

std::string describe_capability(const char *what, int32_t cap) {
  const char *name = capability_name(cap);
  return name != nullptr ? format("%s %s", what, name) : format("%s capability %d", what, cap);
}

}  // namespace

std::string describe_step(const StepError &error, const RuntimeSpec &spec) {
  const ProcessSpec &process = spec.process;
  switch (error.step) {
    case WorkloadStep::stdio:
      return "connecting stdin/stdout/stderr";
    case WorkloadStep::mount_private:
      return "making the mount namespace private";
    case WorkloadStep::bind_rootfs:
      return format("bind-mounting the root filesystem %s", spec.root_path.c_str());
    case WorkloadStep::data_mount:
    case WorkloadStep::mount:
      return describe_mount(spec, error.index);
    case WorkloadStep::pivot_root:
      return "pivot_root into the root filesystem";
    case WorkloadStep::devices:
      return "creating the default devices in /dev";
    case WorkloadStep::masked_path:
      return describe_path("masking", "maskedPaths", spec.masked_paths, error.index);
    case WorkloadStep::readonly_path:
      return describe_path("making read-only", "readonlyPaths", spec.readonly_paths, error.index);
    case WorkloadStep::root_readonly:
      return "remounting the root filesystem read-only";
    case WorkloadStep::hostname:
      return format("setting the hostname to %s", spec.hostname.value_or("").c_str());
    case WorkloadStep::rlimit: {
      const ResourceLimit *limit = at(process.rlimits, error.index);
      const char *name = limit != nullptr ? rlimit_name(limit->resource) : nullptr;
      return format("setting %s (rlimits[%d])", name != nullptr ? name : "a resource limit", error.index);
    }
    case WorkloadStep::oom_score_adj:
      return "writing /proc/self/oom_score_adj";
    case WorkloadStep::bounding_set:
      return describe_capability("dropping from the bounding set", error.index);
    case WorkloadStep::keep_caps:
      return "prctl(PR_SET_KEEPCAPS)";
    case WorkloadStep::setgroups:
      return "setting the additional groups";
    case WorkloadStep::setgid:
      return format("setting gid %u", process.user.gid);
    case WorkloadStep::setuid:
      return format("setting uid %u", process.user.uid);
    case WorkloadStep::capset:
      return "setting the effective, permitted and inheritable capabilities";
    case WorkloadStep::ambient:
      return describe_capability("raising the ambient capability", error.index);
    case WorkloadStep::chdir:
      return format("changing to the working directory %s (process.cwd)", process.cwd.c_str());
    case WorkloadStep::signals:
      return "resetting the signal mask";
    case WorkloadStep::no_new_privs:
      return "setting no_new_privs";
    case WorkloadStep::seccomp:
      return "loading the seccomp filter";
    case WorkloadStep::execve:
      return format("executing %s (process.args[0])", process.args.empty() ? "?" : process.args[0].c_str());
  }
  return format("setup step %d", static_cast<int>(error.step));
}

}  // namespace bp
