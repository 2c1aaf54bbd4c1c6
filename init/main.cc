// bp-init: PID 1 of a Buckypaper podCVM (DESIGN.md section 2). It boots
// (boot.cc), and whatever happened it powers the VM off: a failed boot never
// starts the workload, and run_boot() returns only after every key is wiped
// and every device is removed. A debug image drops to a shell instead of
// powering off after a failure.
#include <sys/wait.h>
#include <unistd.h>

#include "init/boot.h"
#include "init/power_off.h"
#include "lib/core/log.h"

int main() {
  bp::Log log("bp-init", bp::Log::Sinks{2, -1, bp::LogLevel::info});
  bp::BootOutcome outcome = bp::run_boot(log);
  if (outcome.failed && outcome.debug_flavour && access("/bin/sh", X_OK) == 0) {
    log.error("boot failed; debug image: starting /bin/sh on the console");
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", static_cast<char *>(nullptr));
      _exit(127);
    }
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
  }
  log.info(outcome.failed ? "boot failed: powering off" : "powering off");
  bp::power_off();
}
