#include "lib/core/secret_bytes.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <utility>

namespace bp {
namespace {

// Direct system calls: AddressSanitizer replaces mlock()/munlock() with no-ops,
// and the tests must see the same locking as the shipped binaries.
int lock_pages(void *p, size_t n) { return static_cast<int>(syscall(SYS_mlock, p, n)); }
int unlock_pages(void *p, size_t n) { return static_cast<int>(syscall(SYS_munlock, p, n)); }

// Process-wide by nature (it counts allocations, like the allocator's own
// bookkeeping); only observed, never steers behaviour.
std::atomic<size_t> g_live{0};

}  // namespace

Result<SecretBytes> SecretBytes::allocate(size_t size) {
  if (size == 0) return SecretBytes();
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t mapped = (size + page - 1) / page * page;
  void *p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return Error::from_errno("secret: mmap", errno);
  // Fail closed: a key that could be swapped out to a host-visible disk is
  // worse than no key.
  if (lock_pages(p, mapped) != 0) {
    int err = errno;
    munmap(p, mapped);
    return Error::from_errno("secret: mlock", err);
  }
  (void)madvise(p, mapped, MADV_DONTDUMP);
  g_live.fetch_add(1, std::memory_order_relaxed);
  return SecretBytes(static_cast<uint8_t *>(p), size, mapped);
}

Result<SecretBytes> SecretBytes::copy_of(ByteView bytes) {
  SecretBytes secret = TRY(allocate(bytes.size()));
  if (!bytes.empty()) memcpy(secret.data_, bytes.data(), bytes.size());
  return secret;
}

SecretBytes::SecretBytes(SecretBytes &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

void SecretBytes::zero() {
  // explicit_bzero: a plain memset before munmap may be optimised away.
  if (data_) explicit_bzero(data_, mapped_);
}

void SecretBytes::wipe() {
  if (!data_) return;
  zero();
  unlock_pages(data_, mapped_);
  munmap(data_, mapped_);
  g_live.fetch_sub(1, std::memory_order_relaxed);
  data_ = nullptr;
  size_ = 0;
  mapped_ = 0;
}

size_t SecretBytes::live_count() { return g_live.load(std::memory_order_relaxed); }

}  // namespace bp
