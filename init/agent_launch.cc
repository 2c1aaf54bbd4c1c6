#include "init/agent_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/child_report.h"
#include "lib/core/format.h"
#include "lib/core/unique_fd.h"

namespace bp {

bool agent_present(const AgentCommand &config) { return access(config.path.c_str(), X_OK) == 0; }

Result<pid_t> spawn_agent(const AgentCommand &config) {
  std::vector<char *> argv;
  argv.push_back(const_cast<char *>(config.path.c_str()));
  for (const std::string &arg : config.args) argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  UniqueFd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return Error::from_errno("opening /dev/null", errno);
  ChildReport report = TRY(ChildReport::create());

  pid_t pid = fork();
  if (pid < 0) return Error::from_errno("fork for the agent", errno);
  if (pid == 0) {
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) (void)signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    setsid();
    if (dup2(devnull.get(), 0) < 0) report.fail(StepError{WorkloadStep::stdio, 0, errno});
    // dup2 clears FD_CLOEXEC on the copy, so fd 3 survives execv.
    if (config.inherited_fd == 3) {
      (void)fcntl(3, F_SETFD, 0);
    } else if (config.inherited_fd >= 0 && dup2(config.inherited_fd, 3) < 0) {
      report.fail(StepError{WorkloadStep::stdio, 0, errno});
    }
    execv(config.path.c_str(), argv.data());
    report.fail(StepError{WorkloadStep::execve, 0, errno});
  }
  std::optional<StepError> failure = TRY(report.wait_for_exec());
  if (failure) {
    waitpid(pid, nullptr, 0);
    const char *what = failure->step == WorkloadStep::stdio ? "connecting the agent's stdin" : "executing";
    return Error::from_errno(format("%s %s", what, config.path.c_str()), failure->err);
  }
  return pid;
}

}  // namespace bp
