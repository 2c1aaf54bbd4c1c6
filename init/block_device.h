// Finding the guest's disks. Virtio-blk disks are named by the serial the
// host gives them (QEMU -drive ...,serial=bp-root), which sysfs shows in
// /sys/block/<name>/serial; the host chooses serials, but a wrong disk fails
// the LUKS2 key check and the verity root hash, so this is not a trust point.
#pragma once

#include <string>

#include "lib/core/result.h"

namespace bp {

// "/dev/<name>" of the one disk whose serial is `serial`; two disks with the
// same serial are an error (the host could otherwise pick which one we use).
Result<std::string> find_disk_by_serial(const std::string &serial,
                                        const std::string &sys_block = "/sys/block",
                                        const std::string &dev_dir = "/dev");

}  // namespace bp
