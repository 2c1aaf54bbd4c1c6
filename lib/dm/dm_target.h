// One line of a device-mapper table: a range of the mapped device and the
// target that serves it ("<start> <length> <type> <params>").
#pragma once

#include <stdint.h>

#include <string>

namespace bp {

struct DmTarget {
  uint64_t start_sector = 0;  // 512-byte sectors
  uint64_t length_sectors = 0;
  std::string type;    // "crypt", "verity", ...
  std::string params;  // the target's constructor arguments
};

// The table line as dmsetup prints it.
std::string dm_target_line(const DmTarget &target);

}  // namespace bp
