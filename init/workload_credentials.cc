#include "init/workload_credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bp {
namespace {

StepResult set_rlimits(const ProcessSpec &process) {
  for (size_t i = 0; i < process.rlimits.size(); ++i) {
    const ResourceLimit &limit = process.rlimits[i];
    rlimit value{static_cast<rlim_t>(limit.soft), static_cast<rlim_t>(limit.hard)};
    // prlimit64 directly: glibc's and musl's setrlimit disagree on the type of the resource.
    if (syscall(SYS_prlimit64, 0, limit.resource, &value, nullptr) != 0)
      return step_failed(WorkloadStep::rlimit, errno, static_cast<int>(i));
  }
  return std::nullopt;
}

StepResult set_oom_score_adj(const ProcessSpec &process) {
  if (!process.oom_score_adj) return std::nullopt;
  int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return step_failed(WorkloadStep::oom_score_adj, errno);
  char text[16];
  int n = snprintf(text, sizeof text, "%d", *process.oom_score_adj);
  bool written = write(fd, text, static_cast<size_t>(n)) == n;
  int err = errno;
  close(fd);
  if (!written) return step_failed(WorkloadStep::oom_score_adj, err);
  return std::nullopt;
}

bool in_set(uint64_t set, int cap) { return cap < 64 && ((set >> cap) & 1) != 0; }

StepResult drop_bounding_set(const CapabilitySets &caps) {
  // The running kernel may know more capabilities than the config can name.
  for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) {
    if (in_set(caps.bounding, cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return step_failed(WorkloadStep::bounding_set, errno, cap);
  }
  return std::nullopt;
}

StepResult set_capabilities(const CapabilitySets &caps) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int word = 0; word < 2; ++word) {
    data[word].effective = static_cast<uint32_t>(caps.effective >> (32 * word));
    data[word].permitted = static_cast<uint32_t>(caps.permitted >> (32 * word));
    data[word].inheritable = static_cast<uint32_t>(caps.inheritable >> (32 * word));
  }
  if (syscall(SYS_capset, &header, data) != 0) return step_failed(WorkloadStep::capset, errno);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
    return step_failed(WorkloadStep::ambient, errno);
  for (int cap = 0; cap < 64; ++cap) {
    if (in_set(caps.ambient, cap) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
      return step_failed(WorkloadStep::ambient, errno, cap);
  }
  return std::nullopt;
}

}  // namespace

StepResult apply_credentials(const ProcessSpec &process) {
  const ProcessUser &user = process.user;
  if (StepResult failed = set_rlimits(process)) return failed;
  if (StepResult failed = set_oom_score_adj(process)) return failed;
  if (StepResult failed = drop_bounding_set(process.capabilities)) return failed;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return step_failed(WorkloadStep::keep_caps, errno);
  std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
  if (setgroups(groups.size(), groups.data()) != 0) return step_failed(WorkloadStep::setgroups, errno);
  if (setresgid(user.gid, user.gid, user.gid) != 0) return step_failed(WorkloadStep::setgid, errno);
  if (setresuid(user.uid, user.uid, user.uid) != 0) return step_failed(WorkloadStep::setuid, errno);
  if (StepResult failed = set_capabilities(process.capabilities)) return failed;
  umask(user.umask.value_or(022));
  if (chdir(process.cwd.c_str()) != 0) return step_failed(WorkloadStep::chdir, errno);
  return std::nullopt;
}

}  // namespace bp
