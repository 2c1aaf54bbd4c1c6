// Creating a LUKS2 volume: our defaults (aes-xts-plain64 with a 512-bit
// volume key, 4096-byte sectors, one pbkdf2-sha256 keyslot of 1000 iterations,
// since the passphrase is a high-entropy key) in cryptsetup's default layout.
//
// The steps are separate so a caller can do work between them, and their
// order is the crash-safety design:
//
//   1. write_keyslot_area: the sealed keyslot at 32 KiB, then fdatasync.
//      (A caller that needs the volume usable before it is committed, such as
//      the init creating ext4, activates dm-crypt with volume_key() here.)
//   2. write_headers: the secondary copy (JSON area, fdatasync, then its
//      binary header, fdatasync), then the primary copy the same way. The
//      primary's binary header is the commit record: until its first sector is
//      written the device reads as blank (or, after the secondary, as
//      secondary_only), and every field that matters, magic and checksum
//      included, is in that first 512-byte sector, which disks write
//      atomically.
//
// A crash before step 2's secondary binary header leaves a blank device (the
// partly written JSON and keyslot areas are ignored and overwritten by the
// next format); between the two binary headers, a secondary_only device that
// complete_luks2_primary finishes once the key opens it.
#pragma once

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/random.h"
#include "lib/luks2/binary_header.h"
#include "lib/luks2/metadata.h"
#include "lib/luks2/metadata_layout.h"

namespace bp {

class Luks2NewVolume {
 public:
  // Plans the layout for a device of device_size bytes, makes the volume key,
  // salts and UUID, and seals keyslot 0 with the passphrase.
  static Result<Luks2NewVolume> prepare(const Luks2FormatOptions &options, uint64_t device_size,
                                        ByteView passphrase, Random &random, const std::string &label = "");

  const Luks2Metadata &metadata() const { return metadata_; }
  const std::string &uuid() const { return uuid_; }
  const SecretBytes &volume_key() const { return volume_key_; }

  Status write_keyslot_area(int fd) const;
  // Both copies: write_secondary_header, then write_primary_header (the commit).
  Status write_headers(int fd) const;
  Status write_secondary_header(int fd) const;
  Status write_primary_header(int fd) const;

 private:
  Luks2NewVolume() = default;

  Luks2Metadata metadata_;
  std::string uuid_;
  SecretBytes volume_key_;
  Bytes keyslot_area_;
  Bytes primary_;    // the whole primary copy
  Bytes secondary_;  // the whole secondary copy
};

// A random (version 4) UUID in canonical text form.
Result<std::string> random_uuid(Random &random);

// Writes the primary copy from a valid secondary (read_luks2_headers said
// secondary_only): same fields and JSON, its own random salt, JSON area then
// binary header, each synced. Call it only after the key opened the secondary.
Status complete_luks2_primary(int fd, const Luks2HeaderCopy &secondary, Random &random);

}  // namespace bp
