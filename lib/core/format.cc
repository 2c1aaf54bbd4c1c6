#include "lib/core/format.h"

#include <stdio.h>

namespace bp {

std::string vformat(const char *fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_copy initialises it
  int needed = vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (needed <= 0) return std::string();
  std::string out(static_cast<size_t>(needed), '\0');
  (void)vsnprintf(out.data(), out.size() + 1, fmt, args);
  return out;
}

std::string format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string out = vformat(fmt, args);
  va_end(args);
  return out;
}

}  // namespace bp
