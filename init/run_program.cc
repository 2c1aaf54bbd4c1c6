#include "init/run_program.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/core/format.h"

namespace bp {

Status run_program(const std::vector<std::string> &argv) {
  if (argv.empty()) return Error("run_program: no program");
  std::vector<char *> args;
  args.reserve(argv.size() + 1);
  for (const std::string &arg : argv) args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  char *const env[] = {nullptr};
  pid_t pid = fork();
  if (pid < 0) return Error::from_errno("fork for " + argv[0], errno);
  if (pid == 0) {
    execve(args[0], args.data(), env);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error::from_errno("waitpid for " + argv[0], errno);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return Error(argv[0] + " could not be executed");
  if (WIFEXITED(status))
    return Error(format("%s exited with status %d", argv[0].c_str(), WEXITSTATUS(status)));
  return Error(
      format("%s was killed by signal %d", argv[0].c_str(), WIFSIGNALED(status) ? WTERMSIG(status) : 0));
}

}  // namespace bp
