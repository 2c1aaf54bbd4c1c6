// Block device numbers as device-mapper reports them, and /dev/mapper/<name>
// nodes made with mknod: the guest has no udev.
#pragma once

#include <stdint.h>

#include <string>

#include "lib/core/result.h"

namespace bp {

struct DeviceNumber {
  uint32_t major = 0;
  uint32_t minor = 0;
};

// The kernel's huge_encode_dev(): minor bits 0-7 at 0-7, major bits 0-11 at
// 8-19, minor bits 8-19 at 20-31, major bits 12- at 32-.
DeviceNumber decode_kernel_dev(uint64_t dev);
uint64_t encode_kernel_dev(DeviceNumber number);

// "major:minor", the form dm tables accept for a device.
std::string device_number_string(DeviceNumber number);

// Creates (or replaces) a block device node for the number, mode 0600;
// creates the directory if needed.
Status make_block_node(const std::string &path, DeviceNumber number);

// Removes the node if it is a block device with that number; a missing node
// is fine, anything else at the path is an error.
Status remove_block_node(const std::string &path, DeviceNumber number);

}  // namespace bp
