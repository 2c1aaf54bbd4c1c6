#include "lib/core/mapped_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <utility>

#include "lib/core/file_io.h"

namespace bp {

Result<MappedFile> MappedFile::open(const std::string &path) {
  UniqueFd fd = TRY(open_file(path, O_RDONLY));
  uint64_t size = TRY_CONTEXT(file_size(fd.get()), path);
  if (size == 0) return MappedFile(nullptr, 0);  // mmap refuses length 0
  void *address = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (address == MAP_FAILED) return Error::from_errno("mmap " + path, errno);
  return MappedFile(address, size);
}

MappedFile::MappedFile(MappedFile &&other) noexcept
    : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile &MappedFile::operator=(MappedFile &&other) noexcept {
  if (this != &other) {
    if (address_) munmap(address_, size_);
    address_ = std::exchange(other.address_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (address_) munmap(address_, size_);
}

}  // namespace bp
