// Relays one of the workload's output pipes to the log, one log line per
// output line. Lines longer than kMaxLine are split; a partial last line is
// logged at end of file. Control characters are neutralised by Log.
#pragma once

#include <string>

#include "lib/core/log.h"
#include "lib/core/unique_fd.h"

namespace bp {

class OutputRelay {
 public:
  static constexpr size_t kMaxLine = 4096;

  OutputRelay(UniqueFd fd, Log log) : fd_(std::move(fd)), log_(std::move(log)) {}

  int fd() const { return fd_.get(); }
  bool open() const { return fd_.valid(); }

  // Reads what the (non-blocking) pipe holds and logs complete lines. At end
  // of file (or a read error) it logs the rest and closes the pipe.
  void pump();

  // After the workload has gone: reads what is left without waiting for end
  // of file (a surviving process might hold the pipe), logs a partial last
  // line and closes the pipe.
  void finish();

 private:
  void emit_lines(bool flush_partial);

  UniqueFd fd_;
  Log log_;
  std::string pending_;
};

}  // namespace bp
