// Stage "early": the file systems every later stage needs, and the console
// and /dev/kmsg for logging. Runs before anything is configured.
#pragma once

#include <string>

#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

struct EarlyResult {
  UniqueFd kmsg;  // open /dev/kmsg for the logger, or invalid if absent
};

// root is "/" in the guest; tests pass a directory inside a private mount
// namespace.
Result<EarlyResult> run_early_stage(const std::string &root = "/");

}  // namespace bp
