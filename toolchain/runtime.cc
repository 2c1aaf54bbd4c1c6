// The C++ runtime pieces a -fno-exceptions program still needs, for musl
// binaries (glibc builds get them from libstdc++.so). Allocation failure and
// libstdc++'s internal "throw" paths cannot be reported as values, so they
// print one line and abort: a PID 1 that is out of memory must fail closed.
#include <stdio.h>
#include <stdlib.h>

#include <cstddef>
#include <new>

namespace {
[[noreturn]] void die(const char *what) {
  fprintf(stderr, "fatal: %s\n", what);
  abort();
}
void *allocate(std::size_t size) {
  void *p = malloc(size ? size : 1);
  if (!p) die("out of memory");
  return p;
}
void *allocate_aligned(std::size_t size, std::align_val_t align) {
  void *p = nullptr;
  std::size_t a = static_cast<std::size_t>(align);
  if (a < sizeof(void *)) a = sizeof(void *);
  if (posix_memalign(&p, a, size ? size : 1) != 0) die("out of memory");
  return p;
}
}  // namespace

void *operator new(std::size_t size) { return allocate(size); }
void *operator new[](std::size_t size) { return allocate(size); }
void *operator new(std::size_t size, const std::nothrow_t &) noexcept { return malloc(size ? size : 1); }
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept { return malloc(size ? size : 1); }
void *operator new(std::size_t size, std::align_val_t a) { return allocate_aligned(size, a); }
void *operator new[](std::size_t size, std::align_val_t a) { return allocate_aligned(size, a); }
void operator delete(void *p) noexcept { free(p); }
void operator delete[](void *p) noexcept { free(p); }
void operator delete(void *p, std::size_t) noexcept { free(p); }
void operator delete[](void *p, std::size_t) noexcept { free(p); }
void operator delete(void *p, std::align_val_t) noexcept { free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { free(p); }
void operator delete(void *p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept { free(p); }

namespace std {
void __throw_bad_alloc() { die("std::bad_alloc"); }
void __throw_bad_array_new_length() { die("std::bad_array_new_length"); }
void __throw_length_error(const char *s) { die(s); }
void __throw_logic_error(const char *s) { die(s); }
void __throw_out_of_range(const char *s) { die(s); }
void __throw_out_of_range_fmt(const char *fmt, ...) { die(fmt); }
void __throw_invalid_argument(const char *s) { die(s); }
void __throw_bad_function_call() { die("std::bad_function_call"); }
void __throw_bad_optional_access() { die("std::bad_optional_access"); }
void __throw_bad_variant_access(const char *s) { die(s); }
void __throw_system_error(int) { die("std::system_error"); }
void __glibcxx_assert_fail(const char *file, int line, const char *function, const char *condition) noexcept {
  fprintf(stderr, "fatal: %s:%d: %s: assertion '%s' failed\n", file, line, function, condition);
  abort();
}
}  // namespace std
