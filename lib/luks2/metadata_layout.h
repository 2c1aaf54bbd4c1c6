// Where LUKS2 metadata puts things on the device, checked against the device
// and against each other, and the layout we create (cryptsetup's default:
// 16 KiB header copies, keyslots area up to the data at 16 MiB).
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/luks2/metadata.h"

namespace bp {

constexpr uint64_t kLuks2DefaultHeaderSize = uint64_t{16} * 1024;
constexpr uint64_t kLuks2DefaultDataOffset = uint64_t{16} * 1024 * 1024;
constexpr uint64_t kLuks2MaxKeyslotsSize = uint64_t{128} * 1024 * 1024;
constexpr uint32_t kLuks2MaxIterations = 100000000;

// Appends every problem found (none: the layout is consistent):
// json_size = hdr_size - 4096; keyslots_size 4 KiB-aligned and at most
// 128 MiB; every keyslot area inside the keyslots area (which starts after
// both header copies), large enough for its AF material and overlapping no
// other; the segment starting after the keyslots area, aligned to its sector
// size and inside the device; key sizes consistent with aes-xts-plain64 and
// the integrity choice; the digest covering exactly the keyslots.
void check_luks2_layout(const Luks2Metadata &metadata, uint64_t hdr_size, uint64_t device_size,
                        std::vector<std::string> &problems);

// Bytes of the device the segment maps: its size, or (dynamic) the rest of the
// device rounded down to whole sectors. The layout must have been checked.
uint64_t luks2_segment_length(const Luks2Segment &segment, uint64_t device_size);

struct Luks2FormatOptions {
  uint32_t sector_size = 4096;
  Luks2Integrity integrity = Luks2Integrity::none;
  uint32_t cipher_key_size = 64;  // aes-xts-plain64 with two AES-256 keys
  uint32_t keyslot_iterations = kLuks2MinIterations;
  uint32_t digest_iterations = kLuks2MinIterations;
};

// The metadata of a new volume with one keyslot, without salts and digest
// (format fills those in). The device must hold the 16 MiB of metadata plus
// at least one sector.
Result<Luks2Metadata> plan_luks2_layout(const Luks2FormatOptions &options, uint64_t device_size);

}  // namespace bp
