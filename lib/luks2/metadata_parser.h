// Parsing and validating LUKS2 JSON metadata (from a header copy that passed
// its checksum) against our allow-list. Everything not listed is refused, and
// unknown keys anywhere are errors:
//
//   keyslots  1..32 of type luks2; af luks1/4000 stripes/sha256; area raw,
//             aes-xts-plain64 with a 32- or 64-byte key; kdf pbkdf2/sha256
//             with a 32-byte salt (argon2i/argon2id are refused with a clear
//             message: the guest has no Argon2); optional priority 0..2.
//   segments  exactly "0": crypt, aes-xts-plain64, iv_tweak "0", sector size
//             512 or 4096, size "dynamic" or a number, no flags, optional
//             integrity hmac(sha256) with journal_encryption and
//             journal_integrity "none".
//   digests   exactly "0": pbkdf2/sha256 over every keyslot and segment "0",
//             32-byte salt and digest.
//   config    json_size, keyslots_size, optional flags from cryptsetup's list;
//             no requirements.
//   tokens    must be empty.
//
// Then the layout is checked against the header size and the device
// (check_luks2_layout). A null cipher in a segment or keyslot area, a keyslot
// outside the keyslots area and a segment over the header are all refused.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/luks2/metadata.h"

namespace bp {

struct Luks2MetadataCheck {
  std::optional<Luks2Metadata> metadata;  // set only when problems is empty
  std::vector<std::string> problems;      // every reason found
};

Luks2MetadataCheck check_luks2_metadata(const std::string &json_text, uint64_t hdr_size,
                                        uint64_t device_size);

// The same, with the problems joined by "; " into one error.
Result<Luks2Metadata> parse_luks2_metadata(const std::string &json_text, uint64_t hdr_size,
                                           uint64_t device_size);

}  // namespace bp
