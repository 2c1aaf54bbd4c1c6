#include "lib/core/log.h"

#include <stdarg.h>
#include <unistd.h>

#include "lib/core/clock.h"
#include "lib/core/format.h"

namespace bp {
namespace {

const char *level_tag(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug: ";
    case LogLevel::info:
      return "";
    case LogLevel::warning:
      return "warning: ";
    case LogLevel::error:
      return "error: ";
  }
  return "";
}

// The syslog priority the kernel expects at the start of a /dev/kmsg record.
int kmsg_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return 7;
    case LogLevel::info:
      return 6;
    case LogLevel::warning:
      return 4;
    case LogLevel::error:
      return 3;
  }
  return 6;
}

std::string printable(const std::string &message) {
  std::string out = message;
  for (char &c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

void write_line(int fd, const std::string &line) {
  // One write per line, so concurrent writers do not interleave inside a line.
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n <= 0) return;  // logging must never fail the caller
    done += static_cast<size_t>(n);
  }
}

}  // namespace

Log Log::stage(const std::string &name) const {
  Log copy = *this;
  copy.stage_ = name;
  return copy;
}

std::string Log::format_line(LogLevel level, uint64_t ms, const std::string &message) const {
  std::string prefix = program_;
  if (!stage_.empty()) prefix += " " + stage_;
  return format("[%7llu ms] %s: %s%s", static_cast<unsigned long long>(ms), prefix.c_str(), level_tag(level),
                printable(message).c_str());
}

void Log::write(LogLevel level, const std::string &message) const {
  if (level < sinks_.threshold) return;
  if (sinks_.console_fd >= 0)
    write_line(sinks_.console_fd, format_line(level, monotonic_ms(), message) + "\n");
  if (sinks_.kmsg_fd >= 0) {
    std::string prefix = program_;
    if (!stage_.empty()) prefix += " " + stage_;
    write_line(sinks_.kmsg_fd, format("<%d>%s: %s%s\n", kmsg_priority(level), prefix.c_str(),
                                      level_tag(level), printable(message).c_str()));
  }
}

#define BP_LOG_AT(level)                 \
  va_list args;                          \
  va_start(args, fmt);                   \
  std::string text = vformat(fmt, args); \
  va_end(args);                          \
  write(level, text)

void Log::debug(const char *fmt, ...) const { BP_LOG_AT(LogLevel::debug); }
void Log::info(const char *fmt, ...) const { BP_LOG_AT(LogLevel::info); }
void Log::warning(const char *fmt, ...) const { BP_LOG_AT(LogLevel::warning); }
void Log::error(const char *fmt, ...) const { BP_LOG_AT(LogLevel::error); }

#undef BP_LOG_AT

}  // namespace bp
