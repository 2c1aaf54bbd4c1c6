// The ACPI power button: a host's "stop" (QEMU system_powerdown) only makes
// the kernel report KEY_POWER on an input device, so PID 1 watches evdev
// for it and treats a press like SIGTERM.
#pragma once

#include <vector>

#include "lib/core/unique_fd.h"

namespace bp {

// Every /dev/input/event* that can report KEY_POWER, opened non-blocking.
// Empty when the kernel has no evdev or no such device.
std::vector<UniqueFd> open_power_buttons(const char *input_dir = "/dev/input");

// Reads the pending events of a non-blocking evdev descriptor; true if one
// of them is a KEY_POWER press.
bool power_button_pressed(int fd);

}  // namespace bp
