#include "init/child_report.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bp {

Result<ChildReport> ChildReport::create() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("pipe2 for the child's setup report", errno);
  return ChildReport(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

void ChildReport::fail(const StepError &error) {
  // One write of a few bytes into a pipe is atomic.
  ssize_t ignored = write(write_end_.get(), &error, sizeof error);
  (void)ignored;
  // The raw exit: no atexit handlers or sanitizer exit hooks in a forked copy.
  syscall(SYS_exit_group, 127);
  __builtin_unreachable();
}

Result<std::optional<StepError>> ChildReport::wait_for_exec() {
  write_end_.reset();
  StepError error{};
  ssize_t n;
  do {
    n = read(read_end_.get(), &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Error::from_errno("reading the child's setup report", errno);
  if (n == 0) return std::optional<StepError>();
  if (n != sizeof error) return Error("truncated setup report from the child");
  return std::optional<StepError>(error);
}

}  // namespace bp
