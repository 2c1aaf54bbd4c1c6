// Key material. Lives in its own locked pages (never swapped, excluded from
// core dumps), is zeroed when destroyed or moved from, cannot be copied, and
// has no way to be formatted or logged: reading it means calling view()
// explicitly, which code review can find.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

class SecretBytes {
 public:
  SecretBytes() = default;
  // Zero-filled secret of the given size.
  static Result<SecretBytes> allocate(size_t size);
  static Result<SecretBytes> copy_of(ByteView bytes);

  SecretBytes(SecretBytes &&other) noexcept;
  SecretBytes &operator=(SecretBytes &&other) noexcept;
  SecretBytes(const SecretBytes &) = delete;
  SecretBytes &operator=(const SecretBytes &) = delete;
  ~SecretBytes() { wipe(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t *data() { return data_; }
  ByteView view() const { return ByteView(data_, size_); }

  // Overwrites the contents with zeros, keeping the allocation.
  void zero();
  // Zeroes and releases the pages now rather than at scope end.
  void wipe();

  // How many secrets hold pages right now, in the whole process: the key
  // hygiene tests check that a failure path leaves none behind.
  static size_t live_count();

 private:
  SecretBytes(uint8_t *data, size_t size, size_t mapped) : data_(data), size_(size), mapped_(mapped) {}

  uint8_t *data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
};

}  // namespace bp
