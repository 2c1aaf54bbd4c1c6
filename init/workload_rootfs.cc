#include "init/workload_rootfs.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace bp {
namespace {

constexpr unsigned long kRemountable =
    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;

// mkdir -p; an existing directory is fine.
int make_directories(const std::string &path) {
  for (size_t slash = 1; slash <= path.size(); ++slash) {
    if (slash != path.size() && path[slash] != '/') continue;
    std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return errno;
  }
  return 0;
}

const char *filesystem(MountType type) {
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
      return nullptr;
  }
  return nullptr;
}

// A bind mount takes its flags only on a remount.
int bind_mount(const char *source, const char *target, unsigned long flags) {
  if (mount(source, target, nullptr, MS_BIND | (flags & MS_REC), nullptr) != 0) return errno;
  unsigned long remount = flags & kRemountable;
  if (remount == 0) return 0;
  if (mount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | remount, nullptr) != 0) return errno;
  return 0;
}

StepResult mount_data_volumes(const WorkloadPlan &plan) {
  const std::vector<MountSpec> &mounts = plan.spec->mounts;
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (mounts[i].type != MountType::data_bind) continue;
    int index = static_cast<int>(i);
    if (!plan.data_dir) return step_failed(WorkloadStep::data_mount, ENOENT, index);
    std::string target = plan.rootfs + mounts[i].destination;
    if (int err = make_directories(target)) return step_failed(WorkloadStep::data_mount, err, index);
    if (int err = bind_mount(plan.data_dir->c_str(), target.c_str(), mounts[i].flags))
      return step_failed(WorkloadStep::data_mount, err, index);
  }
  return std::nullopt;
}

StepResult pivot_into(const std::string &rootfs) {
  // pivot_root(".", ".") stacks the old root on top of the new one; detaching
  // it leaves the new root alone, with no put_old directory needed.
  if (chdir(rootfs.c_str()) != 0) return step_failed(WorkloadStep::pivot_root, errno);
  if (syscall(SYS_pivot_root, ".", ".") != 0) return step_failed(WorkloadStep::pivot_root, errno);
  if (umount2(".", MNT_DETACH) != 0) return step_failed(WorkloadStep::pivot_root, errno);
  if (chdir("/") != 0) return step_failed(WorkloadStep::pivot_root, errno);
  return std::nullopt;
}

StepResult mount_filesystems(const WorkloadPlan &plan) {
  const std::vector<MountSpec> &mounts = plan.spec->mounts;
  for (size_t i = 0; i < mounts.size(); ++i) {
    const MountSpec &m = mounts[i];
    if (m.type == MountType::data_bind) continue;
    int index = static_cast<int>(i);
    if (int err = make_directories(m.destination)) return step_failed(WorkloadStep::mount, err, index);
    const char *fs = filesystem(m.type);
    if (mount(fs, m.destination.c_str(), fs, m.flags, m.data.empty() ? nullptr : m.data.c_str()) != 0)
      return step_failed(WorkloadStep::mount, errno, index);
  }
  return std::nullopt;
}

bool has_mount(const RuntimeSpec &spec, MountType type, const char *destination) {
  for (const MountSpec &m : spec.mounts) {
    if (m.type == type && m.destination == destination) return true;
  }
  return false;
}

// The runtime-spec's default devices, when /dev is a fresh tmpfs.
StepResult create_devices(const RuntimeSpec &spec) {
  if (!has_mount(spec, MountType::tmpfs, "/dev")) return std::nullopt;
  struct Node {
    const char *path;
    unsigned major;
    unsigned minor;
  };
  const Node nodes[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (const Node &node : nodes) {
    if (mknod(node.path, S_IFCHR | 0666, makedev(node.major, node.minor)) != 0)
      return step_failed(WorkloadStep::devices, errno);
  }
  struct Link {
    const char *target;
    const char *path;
  };
  const Link links[] = {{"/proc/self/fd", "/dev/fd"},
                        {"/proc/self/fd/0", "/dev/stdin"},
                        {"/proc/self/fd/1", "/dev/stdout"},
                        {"/proc/self/fd/2", "/dev/stderr"}};
  for (const Link &link : links) {
    if (symlink(link.target, link.path) != 0) return step_failed(WorkloadStep::devices, errno);
  }
  if (has_mount(spec, MountType::devpts, "/dev/pts") && symlink("pts/ptmx", "/dev/ptmx") != 0)
    return step_failed(WorkloadStep::devices, errno);
  return std::nullopt;
}

StepResult mask_paths(const RuntimeSpec &spec) {
  for (size_t i = 0; i < spec.masked_paths.size(); ++i) {
    const char *path = spec.masked_paths[i].c_str();
    int index = static_cast<int>(i);
    struct stat st;
    if (stat(path, &st) != 0) {
      if (errno == ENOENT) continue;  // nothing to hide
      return step_failed(WorkloadStep::masked_path, errno, index);
    }
    int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, nullptr)
                                 : mount("/dev/null", path, nullptr, MS_BIND, nullptr);
    if (rc != 0) return step_failed(WorkloadStep::masked_path, errno, index);
  }
  return std::nullopt;
}

// The flags a bind remount must keep (statvfs reports the mount's own).
unsigned long kept_flags(const char *path) {
  struct statvfs st;
  if (statvfs(path, &st) != 0) return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  return flags;
}

StepResult make_readonly(const RuntimeSpec &spec) {
  for (size_t i = 0; i < spec.readonly_paths.size(); ++i) {
    const char *path = spec.readonly_paths[i].c_str();
    int index = static_cast<int>(i);
    if (access(path, F_OK) != 0) {
      if (errno == ENOENT) continue;
      return step_failed(WorkloadStep::readonly_path, errno, index);
    }
    if (mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0)
      return step_failed(WorkloadStep::readonly_path, errno, index);
    if (mount(nullptr, path, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(path), nullptr) != 0)
      return step_failed(WorkloadStep::readonly_path, errno, index);
  }
  return std::nullopt;
}

}  // namespace

StepResult enter_rootfs(const WorkloadPlan &plan) {
  const RuntimeSpec &spec = *plan.spec;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return step_failed(WorkloadStep::mount_private, errno);
  if (mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    return step_failed(WorkloadStep::bind_rootfs, errno);
  // Before pivot_root: afterwards the data volume is out of reach.
  if (StepResult failed = mount_data_volumes(plan)) return failed;
  if (StepResult failed = pivot_into(plan.rootfs)) return failed;
  if (StepResult failed = mount_filesystems(plan)) return failed;
  if (StepResult failed = create_devices(spec)) return failed;
  if (StepResult failed = mask_paths(spec)) return failed;
  if (StepResult failed = make_readonly(spec)) return failed;
  if (spec.root_readonly &&
      mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags("/"), nullptr) != 0)
    return step_failed(WorkloadStep::root_readonly, errno);
  if (spec.hostname && sethostname(spec.hostname->c_str(), spec.hostname->size()) != 0)
    return step_failed(WorkloadStep::hostname, errno);
  return std::nullopt;
}

}  // namespace bp
