// Line logging to the console and /dev/kmsg. Each line carries monotonic
// milliseconds, the program and the stage ("[   1234 ms] bp-init attest: ...").
// Messages are plain text built by the caller; control characters (for
// example from host-supplied strings) are replaced so one call is one line.
// There is deliberately no overload that takes SecretBytes.
#pragma once

#include <string>

namespace bp {

enum class LogLevel { debug, info, warning, error };

class Log {
 public:
  struct Sinks {
    int console_fd = 2;  // -1: none
    int kmsg_fd = -1;    // an open /dev/kmsg, or -1
    LogLevel threshold = LogLevel::info;
  };

  Log(std::string program, Sinks sinks) : program_(std::move(program)), sinks_(sinks) {}

  // The same sinks with a stage name added to every line.
  Log stage(const std::string &name) const;

  void debug(const char *fmt, ...) const __attribute__((format(printf, 2, 3)));
  void info(const char *fmt, ...) const __attribute__((format(printf, 2, 3)));
  void warning(const char *fmt, ...) const __attribute__((format(printf, 2, 3)));
  void error(const char *fmt, ...) const __attribute__((format(printf, 2, 3)));
  void write(LogLevel level, const std::string &message) const;

  // The line as written to the console, without the trailing newline.
  std::string format_line(LogLevel level, uint64_t ms, const std::string &message) const;

 private:
  std::string program_;
  std::string stage_;
  Sinks sinks_;
};

}  // namespace bp
