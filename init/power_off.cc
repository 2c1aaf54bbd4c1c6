#include "init/power_off.h"

#include <signal.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bp {

void kill_remaining_processes() {
  kill(-1, SIGKILL);
  while (waitpid(-1, nullptr, __WALL) > 0) {
  }
}

void power_off() {
  sync();
  reboot(RB_POWER_OFF);
  for (;;) pause();
}

}  // namespace bp
