// Runs one command for the host channel's "exec" (debug policies only): no
// shell, stdin from /dev/null, stdout and stderr into one bounded buffer, a
// hard timeout. The command gets its own process group; when the command
// exits or the time is up, whatever is left of that group is killed, so an
// exec never leaves processes behind.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

struct CommandResult {
  std::optional<int> exit_code;  // set when the command exited
  std::optional<int> signal;     // set when a signal ended it
  bool timed_out = false;        // it was killed at the timeout
  Bytes output;                  // stdout and stderr interleaved, at most max_output bytes
  bool truncated = false;        // there was more output than that
};

// argv[0] is looked up in PATH (/usr/sbin:/usr/bin:/sbin:/bin) unless it
// contains a '/'. The environment is just PATH, HOME=/ and TERM=dumb; the
// working directory is /. Fails when the command cannot be started.
Result<CommandResult> run_command(const std::vector<std::string> &argv, uint64_t timeout_ms,
                                  size_t max_output);

}  // namespace bp
