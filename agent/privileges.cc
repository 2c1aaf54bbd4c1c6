#include "agent/privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/core/format.h"

namespace bp {
namespace {

int capget_raw(cap_user_header_t header, cap_user_data_t data) {
  return static_cast<int>(syscall(SYS_capget, header, data));
}
int capset_raw(cap_user_header_t header, cap_user_data_t data) {
  return static_cast<int>(syscall(SYS_capset, header, data));
}

Result<bool> has_effective(int cap) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (capget_raw(&header, data) != 0) return Error::from_errno("capget", errno);
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

}  // namespace

Status drop_all_capabilities(const Log &log) {
  bool can_setpcap = TRY(has_effective(CAP_SETPCAP));
  if (can_setpcap) {
    for (int cap = 0; cap <= 63; ++cap) {
      if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break;  // past the kernel's last capability
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
        return Error::from_errno(format("dropping capability %d from the bounding set", cap), errno);
    }
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                         SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                         SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0) return Error::from_errno("setting securebits", errno);
  } else {
    log.info("no CAP_SETPCAP: the capability bounding set stays as it is (no capability is held)");
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return Error::from_errno("clearing the ambient capabilities", errno);
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (capset_raw(&header, data) != 0) return Error::from_errno("capset", errno);
  struct __user_cap_data_struct check[2] = {};
  if (capget_raw(&header, check) != 0) return Error::from_errno("capget", errno);
  for (const auto &d : check) {
    if (d.effective || d.permitted || d.inheritable) return Error("capabilities are still held after capset");
  }
  return {};
}

Status set_no_new_privs() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Error::from_errno("setting no_new_privs", errno);
  return {};
}

}  // namespace bp
