// The LUKS2 binary header (struct luks2_hdr_disk: 4096 bytes, big-endian) and
// the JSON area that follows it; together one "header copy" of hdr_size
// bytes. Every field is checked; nothing here trusts the disk.
#pragma once

#include <stdint.h>

#include <array>
#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/sha.h"

namespace bp {

constexpr size_t kLuks2BinaryHeaderSize = 4096;
constexpr uint64_t kLuks2MinHeaderSize = uint64_t{16} * 1024;
constexpr uint64_t kLuks2MaxHeaderSize = uint64_t{4} * 1024 * 1024;

enum class Luks2Copy { primary, secondary };

const char *luks2_copy_name(Luks2Copy copy);

struct Luks2BinaryHeader {
  Luks2Copy copy = Luks2Copy::primary;  // from the magic
  uint64_t hdr_size = 0;                // binary header plus JSON area
  uint64_t seqid = 0;
  std::string label;
  std::array<uint8_t, 64> salt{};
  std::string uuid;  // canonical text form, 36 characters
  std::string subsystem;
  uint64_t hdr_offset = 0;
  Sha256Digest checksum{};  // over the copy with this field zeroed
};

// hdr_size must be a power of two from 16 KiB to 4 MiB.
bool luks2_valid_header_size(uint64_t hdr_size);

// Parses and checks one 4096-byte binary header found at device offset
// `offset` (magic, version 2, sizes, sha256 checksum algorithm, hdr_offset =
// offset, a secondary at offset hdr_size, NUL-terminated strings, zero
// padding). The checksum is not verified here: it covers the JSON area too.
Result<Luks2BinaryHeader> parse_luks2_binary_header(ByteView block, uint64_t offset);

// The 4096 bytes of a binary header with the given checksum field.
Bytes encode_luks2_binary_header(const Luks2BinaryHeader &header);

// SHA-256 over the binary header with its checksum field zeroed, then the
// whole JSON area (hdr_size - 4096 bytes, padding included).
Sha256Digest luks2_header_checksum(ByteView binary_header, ByteView json_area);

// The JSON text of a JSON area: it starts with '{', ends at the first NUL
// (which must exist), and every byte after that NUL is zero.
Result<std::string> parse_luks2_json_area(ByteView json_area);

// A JSON area of `size` bytes holding `json` followed by zeros; the text must
// leave room for at least one NUL.
Result<Bytes> encode_luks2_json_area(const std::string &json, size_t size);

struct Luks2HeaderCopy {
  Luks2BinaryHeader header;
  std::string json;
};

// One whole copy (hdr_size bytes at `offset`): binary header, JSON area and
// checksum, compared in constant time.
Result<Luks2HeaderCopy> parse_luks2_header_copy(ByteView area, uint64_t offset);

// Encodes a whole copy and fills in its checksum; header.hdr_size gives the
// size.
Result<Bytes> encode_luks2_header_copy(const Luks2BinaryHeader &header, const std::string &json);

// Checks the canonical 8-4-4-4-12 hexadecimal UUID form.
bool luks2_valid_uuid(const std::string &uuid);

}  // namespace bp
