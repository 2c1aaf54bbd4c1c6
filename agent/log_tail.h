// The end of the workload's log that bp-init keeps (by default
// /run/buckypaper/workload.log), for the host channel's "logs" request.
#pragma once

#include <string>

#include "lib/core/result.h"

namespace bp {

struct LogTail {
  std::string text;        // lossy UTF-8 (utf8_text.h)
  bool truncated = false;  // the log holds more than text
};

// At most max_bytes from the end; when that cuts the log, the text starts
// after the first newline in it, so it begins with a whole line (unless
// there is none).
Result<LogTail> read_log_tail(const std::string &path, size_t max_bytes);

}  // namespace bp
