// Reads both LUKS2 header copies from a device and decides what the metadata
// area holds. The rules (stricter than cryptsetup, which repairs):
//
//   blank           the primary binary header (bytes 0-4095) is all zero and
//                   no secondary magic is at any of LUKS2's secondary offsets.
//                   The JSON areas and the keyslot area are not looked at: a
//                   format interrupted before its first binary header write
//                   leaves only those behind, and they are overwritten.
//   secondary_only  the primary binary header is all zero and the secondary
//                   copy is valid: a format of ours interrupted between its
//                   secondary and primary header writes (the primary is the
//                   commit record). The caller completes it only if its key
//                   opens this copy.
//   valid           both copies are valid (checksum, fields, offsets) with the
//                   same uuid, hdr_size and label, and either the same seqid
//                   and byte-identical JSON, or a primary with a higher seqid
//                   (an interrupted cryptsetup update left the secondary
//                   stale; the primary is used).
//
// Anything else is refused with every reason found: a copy that fails its
// checks (checksum mismatch, wrong hdr_offset, secondary at the wrong offset,
// size outside 16 KiB..4 MiB, JSON not NUL-terminated or padding not zero), a
// primary with an older seqid than the secondary (nothing we know writes the
// secondary first and then leaves the primary behind, so that is a rollback),
// or copies that disagree.
#pragma once

#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/luks2/binary_header.h"

namespace bp {

enum class Luks2HeaderState { blank, secondary_only, valid };

struct Luks2HeaderRead {
  Luks2HeaderState state = Luks2HeaderState::blank;
  Luks2HeaderCopy header;  // valid: the primary; secondary_only: the secondary
  bool secondary_stale = false;
};

// The offsets cryptsetup scans for a secondary header (LUKS2_HDR2_OFFSETS).
constexpr uint64_t kLuks2SecondaryOffsets[] = {0x4000,  0x8000,   0x10000,  0x20000, 0x40000,
                                               0x80000, 0x100000, 0x200000, 0x400000};

Result<Luks2HeaderRead> read_luks2_headers(int fd);

}  // namespace bp
