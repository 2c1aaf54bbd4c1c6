// The last acts of PID 1. Never called by tests: on a host they would kill
// every process and switch the machine off.
#pragma once

namespace bp {

// SIGKILL to every process but PID 1 itself, then reap them all, so that no
// open file keeps a filesystem from being unmounted.
void kill_remaining_processes();

// sync() and reboot(RB_POWER_OFF). PID 1 must never exit (the kernel would
// panic), so if the power-off fails this waits forever.
[[noreturn]] void power_off();

}  // namespace bp
