// Byte buffers and a non-owning view of bytes (C++17 has no std::span).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <string_view>
#include <vector>

namespace bp {

using Bytes = std::vector<uint8_t>;

class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t *data, size_t size) : data_(data), size_(size) {}
  ByteView(const Bytes &bytes)
      : data_(bytes.data()), size_(bytes.size()) {}  // NOLINT(google-explicit-constructor)

  static ByteView of_string(std::string_view text) {
    return ByteView(reinterpret_cast<const uint8_t *>(text.data()), text.size());
  }

  constexpr const uint8_t *data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  const uint8_t *begin() const { return data_; }
  const uint8_t *end() const { return data_ + size_; }
  uint8_t operator[](size_t i) const { return data_[i]; }

  // Callers check bounds first (ByteReader does); these clamp rather than
  // read past the end if they did not.
  ByteView subview(size_t offset, size_t length) const {
    if (offset > size_) offset = size_;
    if (length > size_ - offset) length = size_ - offset;
    return ByteView(data_ + offset, length);
  }
  ByteView subview(size_t offset) const { return subview(offset, size_ - (offset > size_ ? size_ : offset)); }

  Bytes to_bytes() const { return Bytes(begin(), end()); }
  std::string_view as_string_view() const {
    return std::string_view(reinterpret_cast<const char *>(data_), size_);
  }

 private:
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
};

bool operator==(ByteView a, ByteView b);
inline bool operator!=(ByteView a, ByteView b) { return !(a == b); }

// Comparison in time independent of the contents (for MACs, digests, tags).
bool constant_time_equal(ByteView a, ByteView b);

bool is_all_zero(ByteView bytes);

}  // namespace bp
