#include "lib/core/byte_reader.h"

#include "lib/core/byte_order.h"
#include "lib/core/format.h"

namespace bp {

Result<const uint8_t *> ByteReader::take(size_t length, const char *field) {
  if (length > remaining()) {
    return Error(format("truncated input: %s needs %zu bytes at offset %zu, only %zu left", field, length,
                        offset_, remaining()));
  }
  const uint8_t *p = data_.data() + offset_;
  offset_ += length;
  return p;
}

Result<uint8_t> ByteReader::u8(const char *field) { return *TRY(take(1, field)); }
Result<uint16_t> ByteReader::u16_le(const char *field) { return load_le16(TRY(take(2, field))); }
Result<uint32_t> ByteReader::u32_le(const char *field) { return load_le32(TRY(take(4, field))); }
Result<uint64_t> ByteReader::u64_le(const char *field) { return load_le64(TRY(take(8, field))); }
Result<uint16_t> ByteReader::u16_be(const char *field) { return load_be16(TRY(take(2, field))); }
Result<uint32_t> ByteReader::u32_be(const char *field) { return load_be32(TRY(take(4, field))); }
Result<uint64_t> ByteReader::u64_be(const char *field) { return load_be64(TRY(take(8, field))); }

Result<ByteView> ByteReader::bytes(size_t length, const char *field) {
  const uint8_t *p = TRY(take(length, field));
  return ByteView(p, length);
}

Status ByteReader::skip(size_t length, const char *field) {
  TRY(take(length, field));
  return {};
}

Status ByteReader::seek(size_t offset) {
  if (offset > data_.size()) {
    return Error(format("truncated input: offset %zu is past the end (%zu bytes)", offset, data_.size()));
  }
  offset_ = offset;
  return {};
}

}  // namespace bp
