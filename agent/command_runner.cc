#include "agent/command_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/core/unique_fd.h"

namespace bp {
namespace {

// pidfd_open(2): poll() on it tells when the command has exited even while
// one of its children still holds the output pipe open.
int open_pidfd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

constexpr const char *kPath[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

// Only async-signal-safe calls between fork and exec: argv and the
// candidate paths (our PATH, not the agent's environment's) are prepared
// before.
[[noreturn]] void exec_child(char *const *argv, const std::vector<std::string> &candidates, int output,
                             int devnull, int report) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) (void)signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  setpgid(0, 0);
  int err = 0;
  if (dup2(devnull, 0) < 0 || dup2(output, 1) < 0 || dup2(output, 2) < 0 || chdir("/") != 0) err = errno;
  if (err == 0) {
    static const char *const kEnvironment[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", "TERM=dumb",
                                               nullptr};
    err = ENOENT;
    for (const std::string &path : candidates) {
      execve(path.c_str(), argv, const_cast<char *const *>(kEnvironment));
      // Keep looking only while the file is not there (as execvp does).
      if (errno != ENOENT && errno != ENOTDIR) {
        err = errno;
        break;
      }
    }
  }
  // Tell the parent why, through the close-on-exec pipe.
  ssize_t ignored = write(report, &err, sizeof(err));
  (void)ignored;
  _exit(127);
}

}  // namespace

Result<CommandResult> run_command(const std::vector<std::string> &argv, uint64_t timeout_ms,
                                  size_t max_output) {
  if (argv.empty() || argv[0].empty()) return Error("exec: an empty command");
  int output_pipe[2], report_pipe[2];
  if (pipe2(output_pipe, O_CLOEXEC) != 0) return Error::from_errno("exec: pipe", errno);
  UniqueFd output_read(output_pipe[0]), output_write(output_pipe[1]);
  if (pipe2(report_pipe, O_CLOEXEC) != 0) return Error::from_errno("exec: pipe", errno);
  UniqueFd report_read(report_pipe[0]), report_write(report_pipe[1]);
  UniqueFd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return Error::from_errno("exec: opening /dev/null", errno);

  std::vector<char *> args;
  args.reserve(argv.size() + 1);
  for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> candidates;
  if (argv[0].find('/') != std::string::npos) {
    candidates.push_back(argv[0]);
  } else {
    for (const char *dir : kPath) candidates.push_back(std::string(dir) + "/" + argv[0]);
  }

  pid_t pid = fork();
  if (pid < 0) return Error::from_errno("exec: fork", errno);
  if (pid == 0) exec_child(args.data(), candidates, output_write.get(), devnull.get(), report_write.get());
  setpgid(pid, pid);  // also here, so the group exists before we might kill it
  output_write.reset();
  report_write.reset();

  int child_errno = 0;
  ssize_t n;
  do {
    n = read(report_read.get(), &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    waitpid(pid, nullptr, 0);
    return Error::from_errno(format("exec: %s", argv[0].c_str()), child_errno);
  }

  UniqueFd pidfd(open_pidfd(pid));
  CommandResult result;
  uint64_t deadline = monotonic_ms() + timeout_ms;
  bool exited = false;
  fcntl(output_read.get(), F_SETFL, O_NONBLOCK);
  while (output_read.valid()) {
    uint64_t now = monotonic_ms();
    if (now >= deadline) {
      result.timed_out = true;
      break;
    }
    struct pollfd fds[2] = {{output_read.get(), POLLIN, 0}, {exited ? -1 : pidfd.get(), POLLIN, 0}};
    int ready = poll(fds, 2, static_cast<int>(deadline - now));
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents) {
      uint8_t buffer[4096];
      ssize_t got = read(output_read.get(), buffer, sizeof(buffer));
      if (got > 0) {
        size_t room = max_output - result.output.size();
        size_t keep = static_cast<size_t>(got) < room ? static_cast<size_t>(got) : room;
        result.output.insert(result.output.end(), buffer, buffer + keep);
        if (keep < static_cast<size_t>(got)) result.truncated = true;
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        output_read.reset();  // end of output
      }
      continue;
    }
    if (fds[1].revents) {
      // The command is gone; anything still holding the pipe is left-over
      // background work, which ends with it.
      exited = true;
      kill(-pid, SIGKILL);
    }
  }
  // The output ended (or the command exited): wait for the command itself,
  // still within the deadline; only then is the rest of its group killed,
  // so the command's own status is what it did, not our SIGKILL.
  while (!result.timed_out) {
    siginfo_t info{};
    // WNOWAIT: the command stays a zombie, so its process group (and PID)
    // cannot be reused before the group is killed below.
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid)
      break;
    uint64_t now = monotonic_ms();
    if (now >= deadline) {
      result.timed_out = true;
      break;
    }
    if (pidfd.valid()) {
      struct pollfd p = {pidfd.get(), POLLIN, 0};
      (void)poll(&p, 1, static_cast<int>(deadline - now));
    } else {
      usleep(10 * 1000);
    }
  }
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace bp
