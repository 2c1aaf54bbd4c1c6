// The device-mapper "verity" target line (kernel verity.rst, reference
// disks.md section 3.3).
#pragma once

#include <stdint.h>

#include <string>

#include "lib/crypto/sha.h"
#include "lib/verity/geometry.h"

namespace bp {

struct VerityTarget {
  std::string data_device;  // path or major:minor
  std::string hash_device;
  VerityGeometry geometry;
  uint64_t hash_start_block = 0;
  Sha256Digest root{};
};

// Length of the target in 512-byte sectors.
uint64_t verity_target_sectors(const VerityGeometry &geometry);

// "1 <data> <hash> <dbs> <hbs> <blocks> <start> sha256 <root> <salt or ->"
std::string verity_target_params(const VerityTarget &target);

// "0 <sectors> verity <params>", one line of a table (dmsetup, dm-mod.create).
std::string verity_table_line(const VerityTarget &target);

}  // namespace bp
