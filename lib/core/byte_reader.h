// A bounds-checked cursor over untrusted bytes. Every read either yields the
// value or an error naming the field, its offset and how much was missing.
#pragma once

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }
  bool at_end() const { return offset_ == data_.size(); }

  Result<uint8_t> u8(const char *field = "u8");
  Result<uint16_t> u16_le(const char *field = "u16");
  Result<uint32_t> u32_le(const char *field = "u32");
  Result<uint64_t> u64_le(const char *field = "u64");
  Result<uint16_t> u16_be(const char *field = "u16");
  Result<uint32_t> u32_be(const char *field = "u32");
  Result<uint64_t> u64_be(const char *field = "u64");
  Result<ByteView> bytes(size_t length, const char *field = "bytes");
  Status skip(size_t length, const char *field = "padding");
  // Moves to an absolute offset (at most the end).
  Status seek(size_t offset);

 private:
  Result<const uint8_t *> take(size_t length, const char *field);

  ByteView data_;
  size_t offset_ = 0;
};

}  // namespace bp
