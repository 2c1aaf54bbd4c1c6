// printf-style string formatting (no iostreams in this project).
#pragma once

#include <stdarg.h>

#include <string>

namespace bp {

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string vformat(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

}  // namespace bp
