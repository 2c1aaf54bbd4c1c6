// dm-verity table lines (format version 1, sha256). The parameters come from
// the measured configuration; the hash tree itself is lib/verity's business.
// A verity table must be loaded read-only (DmTableOptions::read_only).
#pragma once

#include <stdint.h>

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/dm/dm_target.h"

namespace bp {

// What the kernel does when a block does not match the tree. There is
// deliberately no "ignore".
enum class VerityOnCorruption { restart, panic };

struct VerityTableSpec {
  std::string data_device;  // path or "major:minor"
  std::string hash_device;  // may equal data_device (hash tree after the data)
  uint32_t data_block_size = 4096;
  uint32_t hash_block_size = 4096;
  uint64_t data_blocks = 0;
  uint64_t hash_start_block = 0;  // in hash_block_size units on hash_device
  Bytes root_digest;              // 32 bytes (sha256)
  Bytes salt;                     // up to 256 bytes; empty is written "-"
  VerityOnCorruption on_corruption = VerityOnCorruption::restart;
};

// "1 <data> <hash> <dbs> <hbs> <blocks> <hash_start> sha256 <root> <salt|->
// 1 restart_on_corruption|panic_on_corruption"; the target covers
// data_blocks * data_block_size bytes.
Result<DmTarget> verity_target(const VerityTableSpec &spec);

}  // namespace bp
