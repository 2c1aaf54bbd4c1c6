// The work behind `bp-disk luks2 ...`, separate from argument parsing so the
// unit tests can call it.
#pragma once

#include <stdint.h>
#include <stdio.h>

#include <optional>
#include <string>

#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/luks2/metadata.h"

namespace bp {

// A key file: its whole contents are the passphrase (cryptsetup --key-file
// semantics), at most 64 KiB, read straight into locked memory.
Result<SecretBytes> read_key_file(const std::string &path);

// The validated header as one JSON object; or every reason the device is
// refused, one per line on err. Returns the exit status (0 or 1).
int luks2_dump(const std::string &device, FILE *out, FILE *err);

struct Luks2FormatRequest {
  std::string device;
  std::string key_file;
  Luks2Integrity integrity = Luks2Integrity::none;
  uint32_t sector_size = 4096;
  std::string label;
};

// Formats a device whose header area is blank (anything else is refused:
// bp-disk never overwrites a volume); returns the new UUID.
Result<std::string> luks2_format(const Luks2FormatRequest &request);

// The volume key in lowercase hex (for recovery and tests).
Result<std::string> luks2_volume_key_hex(const std::string &device, const std::string &key_file);

// Encrypts `input` into the volume's data segment from its start (the image
// pipeline's way to fill a disk without device-mapper); a last partial sector
// is padded with zeros. Returns the bytes of the segment written.
Result<uint64_t> luks2_write_image(const std::string &device, const std::string &key_file,
                                   const std::string &input);

// Decrypts the first `length` bytes of the segment (all of it by default) to
// `output`.
Status luks2_read_image(const std::string &device, const std::string &key_file, const std::string &output,
                        std::optional<uint64_t> length);

}  // namespace bp
