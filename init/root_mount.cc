#include "init/root_mount.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bp {

Status make_root_a_bind_mount() {
  constexpr const char *kStaging = "/.bp-root";
  if (mkdir(kStaging, 0700) != 0 && errno != EEXIST) return Error::from_errno("mkdir /.bp-root", errno);
  if (mount("/", kStaging, nullptr, MS_BIND, nullptr) != 0)
    return Error::from_errno("bind-mount / on /.bp-root", errno);
  if (chdir(kStaging) != 0) return Error::from_errno("chdir /.bp-root", errno);
  if (mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) return Error::from_errno("move /.bp-root to /", errno);
  if (chroot(".") != 0) return Error::from_errno("chroot into the root bind mount", errno);
  if (chdir("/") != 0) return Error::from_errno("chdir /", errno);
  // The staging directory is visible again inside the bind mount, now unused.
  (void)rmdir(kStaging);
  return {};
}

}  // namespace bp
