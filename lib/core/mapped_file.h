// A read-only memory mapping of a whole file, unmapped on destruction.
#pragma once

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

class MappedFile {
 public:
  static Result<MappedFile> open(const std::string &path);

  MappedFile(MappedFile &&other) noexcept;
  MappedFile &operator=(MappedFile &&other) noexcept;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();

  ByteView bytes() const { return ByteView(static_cast<const uint8_t *>(address_), size_); }

 private:
  MappedFile(void *address, size_t size) : address_(address), size_(size) {}

  void *address_ = nullptr;
  size_t size_ = 0;
};

}  // namespace bp
