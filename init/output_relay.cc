#include "init/output_relay.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

namespace bp {

void OutputRelay::pump() {
  if (!fd_.valid()) return;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd_.get(), buffer, sizeof buffer);
    if (n > 0) {
      pending_.append(buffer, static_cast<size_t>(n));
      emit_lines(false);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) log_.warning("reading the workload's output: %s", strerror(errno));
    emit_lines(true);
    fd_.reset();
    return;
  }
}

void OutputRelay::emit_lines(bool flush_partial) {
  size_t start = 0;
  for (;;) {
    size_t newline = pending_.find('\n', start);
    size_t length = newline == std::string::npos ? pending_.size() - start : newline - start;
    if (length >= kMaxLine) {
      log_.write(LogLevel::info, pending_.substr(start, kMaxLine));
      start += kMaxLine;
      continue;
    }
    if (newline == std::string::npos) break;
    log_.write(LogLevel::info, pending_.substr(start, length));
    start = newline + 1;
  }
  if (flush_partial && start < pending_.size()) {
    log_.write(LogLevel::info, pending_.substr(start));
    start = pending_.size();
  }
  pending_.erase(0, start);
}

void OutputRelay::finish() {
  pump();
  emit_lines(true);
  fd_.reset();
}

}  // namespace bp
