#include "lib/verity/superblock.h"

#include <string.h>

#include "lib/core/byte_reader.h"
#include "lib/core/byte_writer.h"
#include "lib/core/format.h"

namespace bp {

namespace {

constexpr char kSignature[8] = {'v', 'e', 'r', 'i', 't', 'y', 0, 0};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kHashTypeNormal = 1;  // 0 is the Chrome OS format
constexpr size_t kAlgorithmField = 32;
constexpr char kAlgorithm[] = "sha256";

}  // namespace

Bytes encode_verity_superblock(const VeritySuperblock &sb) {
  ByteWriter w;
  w.bytes(ByteView(reinterpret_cast<const uint8_t *>(kSignature), sizeof kSignature));
  w.u32_le(kVersion);
  w.u32_le(kHashTypeNormal);
  w.bytes(ByteView(sb.uuid.data(), sb.uuid.size()));
  Bytes algorithm(kAlgorithmField, 0);
  memcpy(algorithm.data(), kAlgorithm, sizeof kAlgorithm - 1);
  w.bytes(algorithm);
  w.u32_le(sb.geometry.data_block_size);
  w.u32_le(sb.geometry.hash_block_size);
  w.u64_le(sb.geometry.data_blocks);
  w.u16_le(static_cast<uint16_t>(sb.geometry.salt.size()));
  w.zeros(6);
  Bytes salt(kVerityMaxSaltSize, 0);
  std::copy(sb.geometry.salt.begin(), sb.geometry.salt.end(), salt.begin());
  w.bytes(salt);
  w.zeros(kVeritySuperblockSize - w.size());
  return w.release();
}

Result<VeritySuperblock> parse_verity_superblock(ByteView bytes) {
  if (bytes.size() < kVeritySuperblockSize) {
    return Error(format("verity superblock: %zu bytes, expected %zu", bytes.size(), kVeritySuperblockSize));
  }
  ByteReader r(bytes.subview(0, kVeritySuperblockSize));
  ByteView signature = TRY(r.bytes(8, "signature"));
  if (signature != ByteView(reinterpret_cast<const uint8_t *>(kSignature), sizeof kSignature)) {
    return Error("no verity superblock: the signature \"verity\" is missing");
  }
  const uint32_t version = TRY(r.u32_le("version"));
  if (version != kVersion) return Error(format("verity superblock version %u, expected 1", version));
  const uint32_t hash_type = TRY(r.u32_le("hash type"));
  if (hash_type != kHashTypeNormal) {
    return Error(format("verity superblock hash type %u is not supported (only format 1)", hash_type));
  }
  VeritySuperblock sb;
  ByteView uuid = TRY(r.bytes(16, "uuid"));
  std::copy(uuid.begin(), uuid.end(), sb.uuid.begin());
  ByteView algorithm = TRY(r.bytes(kAlgorithmField, "algorithm"));
  Bytes expected_algorithm(kAlgorithmField, 0);
  memcpy(expected_algorithm.data(), kAlgorithm, sizeof kAlgorithm - 1);
  if (algorithm != ByteView(expected_algorithm)) {
    size_t n = 0;
    while (n < algorithm.size() && algorithm[n] >= 0x20 && algorithm[n] < 0x7f) ++n;
    return Error("verity superblock hash algorithm '" + std::string(algorithm.as_string_view().substr(0, n)) +
                 "' is not supported (only sha256, NUL-padded)");
  }
  sb.geometry.data_block_size = TRY(r.u32_le("data block size"));
  sb.geometry.hash_block_size = TRY(r.u32_le("hash block size"));
  sb.geometry.data_blocks = TRY(r.u64_le("data blocks"));
  const uint16_t salt_size = TRY(r.u16_le("salt size"));
  ByteView padding = TRY(r.bytes(6, "padding"));
  ByteView salt = TRY(r.bytes(kVerityMaxSaltSize, "salt"));
  ByteView tail = TRY(r.bytes(kVeritySuperblockSize - r.offset(), "padding"));
  if (salt_size > kVerityMaxSaltSize) {
    return Error(format("verity superblock salt size %u is larger than %zu", salt_size, kVerityMaxSaltSize));
  }
  if (!is_all_zero(padding) || !is_all_zero(tail) || !is_all_zero(salt.subview(salt_size))) {
    return Error("verity superblock has non-zero bytes in its padding or after the salt");
  }
  sb.geometry.salt = salt.subview(0, salt_size).to_bytes();
  TRY_CONTEXT(validate_verity_geometry(sb.geometry), "verity superblock");
  return sb;
}

}  // namespace bp
