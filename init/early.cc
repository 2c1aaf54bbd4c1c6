#include "init/early.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init/root_mount.h"
#include "lib/core/file_io.h"

namespace bp {
namespace {

struct EarlyMount {
  const char *source;
  const char *target;  // relative to the root
  const char *type;
  unsigned long flags;
  const char *options;
  bool required;
};

// configfs lives inside sysfs, so it comes after it; it is optional because
// only the configfs-tsm provider needs it.
constexpr EarlyMount kMounts[] = {
    {"proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, true},
    {"sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, true},
    {"devtmpfs", "dev", "devtmpfs", MS_NOSUID, "mode=0755", true},
    {"tmpfs", "run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", true},
    {"configfs", "sys/kernel/config", "configfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, false},
};

Status make_dir(const std::string &path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir " + path, errno);
  return {};
}

Status mount_one(const std::string &root, const EarlyMount &m) {
  std::string target = root == "/" ? std::string("/") + m.target : root + "/" + m.target;
  struct stat st;
  if (stat(target.c_str(), &st) != 0) {
    if (!m.required) return {};  // e.g. no /sys/kernel/config: kernel without configfs
    TRY(make_dir(target));
  }
  if (mount(m.source, target.c_str(), m.type, m.flags, m.options) != 0) {
    // EBUSY: already mounted (the kernel mounts devtmpfs itself with
    // CONFIG_DEVTMPFS_MOUNT).
    if (errno == EBUSY) return {};
    if (!m.required && (errno == ENODEV || errno == ENOENT)) return {};
    return Error::from_errno(std::string("mount ") + m.type + " on " + target, errno);
  }
  return {};
}

// PID 1 starts with whatever descriptors the kernel gave it: none if the
// initramfs has no /dev/console. Later stages and children rely on 0, 1, 2.
void ensure_standard_fds(const std::string &root) {
  std::string console = root == "/" ? "/dev/console" : root + "/dev/console";
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1) continue;
    int opened = open(console.c_str(), fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened < 0) opened = open("/dev/null", O_RDWR);
    if (opened >= 0 && opened != fd) {
      dup2(opened, fd);
      close(opened);
    }
  }
}

}  // namespace

Result<EarlyResult> run_early_stage(const std::string &root) {
  if (root == "/") TRY(make_root_a_bind_mount());
  for (const EarlyMount &m : kMounts) TRY(mount_one(root, m));
  ensure_standard_fds(root);
  EarlyResult result;
  std::string kmsg = root == "/" ? "/dev/kmsg" : root + "/dev/kmsg";
  auto fd = open_file(kmsg, O_WRONLY | O_NOCTTY);
  if (fd.ok()) result.kmsg = fd.release_value();
  // Our lines are few and all matter: do not let the kernel rate-limit them.
  // (Only in the guest: the sysctl is global, a test must not change it.)
  if (root == "/") {
    if (auto f = open_file("/proc/sys/kernel/printk_devkmsg", O_WRONLY); f.ok()) {
      (void)write_all(f.value().get(), ByteView::of_string("on\n"));
    }
  }
  return result;
}

}  // namespace bp
