// Runs a helper program (mke2fs) to completion from the init: fork, execve
// with an empty environment, wait for that child only. Its output goes to the
// init's console.
#pragma once

#include <string>
#include <vector>

#include "lib/core/result.h"

namespace bp {

// argv[0] is the program's path. Exit status 0 is success; anything else
// (another status, a signal) is an error naming the program.
Status run_program(const std::vector<std::string> &argv);

}  // namespace bp
