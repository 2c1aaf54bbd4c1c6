#include "lib/dm/dm_node.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/core/format.h"

namespace bp {

DeviceNumber decode_kernel_dev(uint64_t dev) {
  DeviceNumber n;
  n.major = static_cast<uint32_t>(((dev >> 8) & 0xfff) | ((dev >> 32) & ~uint64_t{0xfff}));
  n.minor = static_cast<uint32_t>((dev & 0xff) | ((dev >> 12) & ~uint64_t{0xff}));
  return n;
}

uint64_t encode_kernel_dev(DeviceNumber n) {
  uint64_t major = n.major;
  uint64_t minor = n.minor;
  return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~uint64_t{0xff}) << 12) |
         ((major & ~uint64_t{0xfff}) << 32);
}

std::string device_number_string(DeviceNumber number) { return format("%u:%u", number.major, number.minor); }

Status make_block_node(const std::string &path, DeviceNumber number) {
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir " + dir, errno);
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Error::from_errno("unlink " + path, errno);
  if (mknod(path.c_str(), S_IFBLK | 0600, makedev(number.major, number.minor)) != 0) {
    return Error::from_errno(format("mknod %s (block %u:%u)", path.c_str(), number.major, number.minor),
                             errno);
  }
  return {};
}

Status remove_block_node(const std::string &path, DeviceNumber number) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return Error::from_errno("stat " + path, errno);
  }
  if (!S_ISBLK(st.st_mode) || major(st.st_rdev) != number.major || minor(st.st_rdev) != number.minor) {
    return Error(
        format("%s is not the block device %u:%u; left in place", path.c_str(), number.major, number.minor));
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Error::from_errno("unlink " + path, errno);
  return {};
}

}  // namespace bp
