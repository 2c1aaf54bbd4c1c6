// Appends fixed-width integers and bytes to a growing buffer.
#pragma once

#include "lib/core/byte_order.h"
#include "lib/core/bytes.h"

namespace bp {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16_le(uint16_t v) { store_le16(grow(2), v); }
  void u32_le(uint32_t v) { store_le32(grow(4), v); }
  void u64_le(uint64_t v) { store_le64(grow(8), v); }
  void u16_be(uint16_t v) { store_be16(grow(2), v); }
  void u32_be(uint32_t v) { store_be32(grow(4), v); }
  void u64_be(uint64_t v) { store_be64(grow(8), v); }
  void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void zeros(size_t n) { out_.resize(out_.size() + n, 0); }

  size_t size() const { return out_.size(); }
  const Bytes &data() const { return out_; }
  Bytes release() { return std::move(out_); }

 private:
  uint8_t *grow(size_t n) {
    out_.resize(out_.size() + n);
    return out_.data() + out_.size() - n;
  }

  Bytes out_;
};

}  // namespace bp
