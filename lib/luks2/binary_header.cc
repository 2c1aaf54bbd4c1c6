#include "lib/luks2/binary_header.h"

#include <string.h>

#include "lib/core/byte_order.h"
#include "lib/core/format.h"

namespace bp {

namespace {

// Offsets in struct luks2_hdr_disk (cryptsetup lib/luks2/luks2.h).
constexpr size_t kMagicAt = 0x000, kMagicSize = 6;
constexpr size_t kVersionAt = 0x006;
constexpr size_t kHdrSizeAt = 0x008;
constexpr size_t kSeqidAt = 0x010;
constexpr size_t kLabelAt = 0x018, kLabelSize = 48;
constexpr size_t kChecksumAlgAt = 0x048, kChecksumAlgSize = 32;
constexpr size_t kSaltAt = 0x068, kSaltSize = 64;
constexpr size_t kUuidAt = 0x0a8, kUuidSize = 40;
constexpr size_t kSubsystemAt = 0x0d0, kSubsystemSize = 48;
constexpr size_t kHdrOffsetAt = 0x100;
constexpr size_t kPaddingAt = 0x108, kPaddingSize = 184;
constexpr size_t kChecksumAt = 0x1c0, kChecksumSize = 64;
constexpr size_t kTailPaddingAt = 0x200;

const uint8_t kPrimaryMagic[kMagicSize] = {'L', 'U', 'K', 'S', 0xba, 0xbe};
const uint8_t kSecondaryMagic[kMagicSize] = {'S', 'K', 'U', 'L', 0xba, 0xbe};

// A NUL-terminated field of printable text (the label and subsystem are
// shown to operators; control characters have no business there).
Result<std::string> text_field(ByteView block, size_t at, size_t size, const char *name) {
  const uint8_t *begin = block.data() + at;
  const void *nul = memchr(begin, 0, size);
  if (!nul) return Error(format("%s is not NUL-terminated within %zu bytes", name, size));
  size_t length = static_cast<size_t>(static_cast<const uint8_t *>(nul) - begin);
  for (size_t i = 0; i < length; ++i) {
    if (begin[i] < 0x20 || begin[i] == 0x7f) return Error(format("%s contains a control character", name));
  }
  if (!is_all_zero(ByteView(begin + length, size - length))) {
    return Error(format("%s has non-zero bytes after its terminator", name));
  }
  return std::string(reinterpret_cast<const char *>(begin), length);
}

void put_text(Bytes &block, size_t at, const std::string &text) {
  memcpy(block.data() + at, text.data(), text.size());
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

const char *luks2_copy_name(Luks2Copy copy) {
  return copy == Luks2Copy::primary ? "primary header" : "secondary header";
}

bool luks2_valid_header_size(uint64_t hdr_size) {
  return hdr_size >= kLuks2MinHeaderSize && hdr_size <= kLuks2MaxHeaderSize &&
         (hdr_size & (hdr_size - 1)) == 0;
}

bool luks2_valid_uuid(const std::string &uuid) {
  if (uuid.size() != 36) return false;
  for (size_t i = 0; i < uuid.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? uuid[i] != '-' : !is_hex(uuid[i])) return false;
  }
  return true;
}

Result<Luks2BinaryHeader> parse_luks2_binary_header(ByteView block, uint64_t offset) {
  if (block.size() != kLuks2BinaryHeaderSize) {
    return Error(format("binary header is %zu bytes, expected %zu", block.size(), kLuks2BinaryHeaderSize));
  }
  Luks2BinaryHeader h;
  if (memcmp(block.data() + kMagicAt, kPrimaryMagic, kMagicSize) == 0) {
    h.copy = Luks2Copy::primary;
  } else if (memcmp(block.data() + kMagicAt, kSecondaryMagic, kMagicSize) == 0) {
    h.copy = Luks2Copy::secondary;
  } else {
    return Error(format("no LUKS2 magic at offset %llu", static_cast<unsigned long long>(offset)));
  }
  uint16_t version = load_be16(block.data() + kVersionAt);
  if (version != 2) return Error(format("version %u, expected 2", version));
  h.hdr_size = load_be64(block.data() + kHdrSizeAt);
  if (!luks2_valid_header_size(h.hdr_size)) {
    return Error(format("hdr_size %llu is not a power of two from 16 KiB to 4 MiB",
                        static_cast<unsigned long long>(h.hdr_size)));
  }
  h.seqid = load_be64(block.data() + kSeqidAt);
  h.hdr_offset = load_be64(block.data() + kHdrOffsetAt);
  if (h.hdr_offset != offset) {
    return Error(format("hdr_offset %llu does not match its position %llu",
                        static_cast<unsigned long long>(h.hdr_offset),
                        static_cast<unsigned long long>(offset)));
  }
  uint64_t expected_offset = h.copy == Luks2Copy::primary ? 0 : h.hdr_size;
  if (offset != expected_offset) {
    return Error(format("%s at offset %llu, expected %llu", luks2_copy_name(h.copy),
                        static_cast<unsigned long long>(offset),
                        static_cast<unsigned long long>(expected_offset)));
  }
  h.label = TRY(text_field(block, kLabelAt, kLabelSize, "label"));
  std::string algorithm = TRY(text_field(block, kChecksumAlgAt, kChecksumAlgSize, "checksum_alg"));
  if (algorithm != "sha256") return Error(format("checksum_alg '%s', expected sha256", algorithm.c_str()));
  memcpy(h.salt.data(), block.data() + kSaltAt, kSaltSize);
  h.uuid = TRY(text_field(block, kUuidAt, kUuidSize, "uuid"));
  if (!luks2_valid_uuid(h.uuid)) return Error(format("uuid '%s' is not a canonical UUID", h.uuid.c_str()));
  h.subsystem = TRY(text_field(block, kSubsystemAt, kSubsystemSize, "subsystem"));
  if (!is_all_zero(block.subview(kPaddingAt, kPaddingSize))) return Error("padding at 0x108 is not zero");
  memcpy(h.checksum.data(), block.data() + kChecksumAt, h.checksum.size());
  if (!is_all_zero(block.subview(kChecksumAt + h.checksum.size(), kChecksumSize - h.checksum.size()))) {
    return Error("checksum field beyond the 32 bytes of SHA-256 is not zero");
  }
  if (!is_all_zero(block.subview(kTailPaddingAt))) return Error("padding at 0x200 is not zero");
  return h;
}

Bytes encode_luks2_binary_header(const Luks2BinaryHeader &h) {
  Bytes block(kLuks2BinaryHeaderSize, 0);
  memcpy(block.data() + kMagicAt, h.copy == Luks2Copy::primary ? kPrimaryMagic : kSecondaryMagic, kMagicSize);
  store_be16(block.data() + kVersionAt, 2);
  store_be64(block.data() + kHdrSizeAt, h.hdr_size);
  store_be64(block.data() + kSeqidAt, h.seqid);
  put_text(block, kLabelAt, h.label.substr(0, kLabelSize - 1));
  put_text(block, kChecksumAlgAt, "sha256");
  memcpy(block.data() + kSaltAt, h.salt.data(), kSaltSize);
  put_text(block, kUuidAt, h.uuid.substr(0, kUuidSize - 1));
  put_text(block, kSubsystemAt, h.subsystem.substr(0, kSubsystemSize - 1));
  store_be64(block.data() + kHdrOffsetAt, h.hdr_offset);
  memcpy(block.data() + kChecksumAt, h.checksum.data(), h.checksum.size());
  return block;
}

Sha256Digest luks2_header_checksum(ByteView binary_header, ByteView json_area) {
  Bytes zeroed = binary_header.to_bytes();
  if (zeroed.size() >= kChecksumAt + kChecksumSize) memset(zeroed.data() + kChecksumAt, 0, kChecksumSize);
  Sha256 hash;
  hash.update(zeroed);
  hash.update(json_area);
  return hash.finish();
}

Result<std::string> parse_luks2_json_area(ByteView area) {
  if (area.empty() || area[0] != '{') return Error("JSON area does not start with '{'");
  const void *nul = memchr(area.data(), 0, area.size());
  if (!nul)
    return Error(
        format("JSON text fills the whole %zu-byte JSON area without a terminating NUL", area.size()));
  size_t length = static_cast<size_t>(static_cast<const uint8_t *>(nul) - area.data());
  if (!is_all_zero(area.subview(length))) {
    return Error(format("JSON area padding after the text (offset %zu) is not zero", length));
  }
  return std::string(reinterpret_cast<const char *>(area.data()), length);
}

Result<Bytes> encode_luks2_json_area(const std::string &json, size_t size) {
  if (json.empty() || json[0] != '{') return Error("JSON metadata must be an object");
  if (json.find('\0') != std::string::npos) return Error("JSON metadata contains a NUL byte");
  if (json.size() >= size) {
    return Error(format("JSON metadata of %zu bytes does not fit a %zu-byte JSON area", json.size(), size));
  }
  Bytes area(size, 0);
  memcpy(area.data(), json.data(), json.size());
  return area;
}

Result<Luks2HeaderCopy> parse_luks2_header_copy(ByteView area, uint64_t offset) {
  if (area.size() < kLuks2BinaryHeaderSize) return Error("header copy shorter than its binary header");
  Luks2HeaderCopy copy;
  copy.header = TRY(parse_luks2_binary_header(area.subview(0, kLuks2BinaryHeaderSize), offset));
  if (area.size() != copy.header.hdr_size) {
    return Error(format("header copy is %zu bytes, hdr_size says %llu", area.size(),
                        static_cast<unsigned long long>(copy.header.hdr_size)));
  }
  ByteView json_area = area.subview(kLuks2BinaryHeaderSize);
  Sha256Digest computed = luks2_header_checksum(area.subview(0, kLuks2BinaryHeaderSize), json_area);
  if (!constant_time_equal(view(computed), view(copy.header.checksum))) {
    return Error(format("%s checksum mismatch", luks2_copy_name(copy.header.copy)));
  }
  copy.json = TRY(parse_luks2_json_area(json_area));
  return copy;
}

Result<Bytes> encode_luks2_header_copy(const Luks2BinaryHeader &header, const std::string &json) {
  if (!luks2_valid_header_size(header.hdr_size)) return Error("invalid hdr_size for a LUKS2 header");
  Bytes json_area = TRY(encode_luks2_json_area(json, header.hdr_size - kLuks2BinaryHeaderSize));
  Luks2BinaryHeader h = header;
  h.checksum = Sha256Digest{};
  Bytes block = encode_luks2_binary_header(h);
  h.checksum = luks2_header_checksum(block, json_area);
  Bytes out = encode_luks2_binary_header(h);
  out.insert(out.end(), json_area.begin(), json_area.end());
  return out;
}

}  // namespace bp
