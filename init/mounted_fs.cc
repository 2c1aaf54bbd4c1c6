#include "init/mounted_fs.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/core/format.h"

namespace bp {

Result<MountedFs> MountedFs::mount(const std::string &source, const std::string &target,
                                   const std::string &type, unsigned long flags, const std::string &options) {
  if (mkdir(target.c_str(), 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir " + target, errno);
  if (::mount(source.c_str(), target.c_str(), type.c_str(), flags,
              options.empty() ? nullptr : options.c_str()) != 0) {
    return Error::from_errno(format("mount %s (%s) on %s", source.c_str(), type.c_str(), target.c_str()),
                             errno);
  }
  return MountedFs(target);
}

MountedFs::~MountedFs() {
  if (target_.empty()) return;
  if (!unmount().ok()) {
    (void)umount2(target_.c_str(), MNT_DETACH);
    target_.clear();
  }
}

Status MountedFs::unmount() {
  if (target_.empty()) return {};
  sync();
  if (umount2(target_.c_str(), 0) != 0) return Error::from_errno("umount " + target_, errno);
  target_.clear();
  return {};
}

}  // namespace bp
