#include "lib/oci/capabilities.h"

#include <linux/capability.h>

#include "lib/core/format.h"

namespace bp {
namespace {

#define BP_CAPABILITY(name) \
  { name, #name }

struct Capability {
  int number;
  const char *name;
};

const Capability kCapabilities[] = {
    BP_CAPABILITY(CAP_CHOWN),
    BP_CAPABILITY(CAP_DAC_OVERRIDE),
    BP_CAPABILITY(CAP_DAC_READ_SEARCH),
    BP_CAPABILITY(CAP_FOWNER),
    BP_CAPABILITY(CAP_FSETID),
    BP_CAPABILITY(CAP_KILL),
    BP_CAPABILITY(CAP_SETGID),
    BP_CAPABILITY(CAP_SETUID),
    BP_CAPABILITY(CAP_SETPCAP),
    BP_CAPABILITY(CAP_LINUX_IMMUTABLE),
    BP_CAPABILITY(CAP_NET_BIND_SERVICE),
    BP_CAPABILITY(CAP_NET_BROADCAST),
    BP_CAPABILITY(CAP_NET_ADMIN),
    BP_CAPABILITY(CAP_NET_RAW),
    BP_CAPABILITY(CAP_IPC_LOCK),
    BP_CAPABILITY(CAP_IPC_OWNER),
    BP_CAPABILITY(CAP_SYS_MODULE),
    BP_CAPABILITY(CAP_SYS_RAWIO),
    BP_CAPABILITY(CAP_SYS_CHROOT),
    BP_CAPABILITY(CAP_SYS_PTRACE),
    BP_CAPABILITY(CAP_SYS_PACCT),
    BP_CAPABILITY(CAP_SYS_ADMIN),
    BP_CAPABILITY(CAP_SYS_BOOT),
    BP_CAPABILITY(CAP_SYS_NICE),
    BP_CAPABILITY(CAP_SYS_RESOURCE),
    BP_CAPABILITY(CAP_SYS_TIME),
    BP_CAPABILITY(CAP_SYS_TTY_CONFIG),
    BP_CAPABILITY(CAP_MKNOD),
    BP_CAPABILITY(CAP_LEASE),
    BP_CAPABILITY(CAP_AUDIT_WRITE),
    BP_CAPABILITY(CAP_AUDIT_CONTROL),
    BP_CAPABILITY(CAP_SETFCAP),
    BP_CAPABILITY(CAP_MAC_OVERRIDE),
    BP_CAPABILITY(CAP_MAC_ADMIN),
    BP_CAPABILITY(CAP_SYSLOG),
    BP_CAPABILITY(CAP_WAKE_ALARM),
    BP_CAPABILITY(CAP_BLOCK_SUSPEND),
    BP_CAPABILITY(CAP_AUDIT_READ),
    BP_CAPABILITY(CAP_PERFMON),
    BP_CAPABILITY(CAP_BPF),
    BP_CAPABILITY(CAP_CHECKPOINT_RESTORE),
};

#undef BP_CAPABILITY

static_assert(sizeof kCapabilities / sizeof kCapabilities[0] == kLastCapability + 1,
              "one entry per capability");

}  // namespace

Result<int> capability_number(std::string_view name) {
  for (const Capability &cap : kCapabilities) {
    if (name == cap.name) return cap.number;
  }
  return Error(format("unknown capability \"%.*s\"", static_cast<int>(name.size()), name.data()));
}

const char *capability_name(int number) {
  for (const Capability &cap : kCapabilities) {
    if (cap.number == number) return cap.name;
  }
  return nullptr;
}

}  // namespace bp
