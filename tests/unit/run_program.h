// Runs a helper program (an independent reference implementation, usually
// /usr/bin/python3 with a script) and returns its standard output.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/core/result.h"

namespace bp::testing {

inline Result<std::string> run_program(const std::vector<std::string> &argv, uint64_t timeout_ms = 30000) {
  int out[2];
  if (pipe(out) != 0) return Error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) return Error("fork failed");
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::vector<char *> args;
    for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  uint64_t until = monotonic_ms() + timeout_ms;
  char buffer[4096];
  for (;;) {
    struct pollfd p = {out[0], POLLIN, 0};
    uint64_t now = monotonic_ms();
    if (now >= until || poll(&p, 1, static_cast<int>(until - now)) != 1) {
      kill(pid, SIGKILL);
      break;
    }
    ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(
        format("%s failed (status 0x%x)", argv.size() > 1 ? argv[1].c_str() : argv[0].c_str(), status));
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace bp::testing
