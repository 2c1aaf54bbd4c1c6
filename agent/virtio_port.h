// Finding the host channel's virtio-serial port by its name, never by a
// device number (which depends on the order QEMU adds devices): the kernel
// lists each port as <sysfs>/class/virtio-ports/vportNpM/name.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

constexpr char kAgentPortName[] = "org.buckypaper.agent.0";

// "<dev_root>/vportNpM" for the port called name. Two ports with the same
// name are an error (which one the host talks to would be a guess).
Result<std::string> find_virtio_port(const std::string &sysfs_root, const std::string &dev_root,
                                     std::string_view name);

// Finds and opens the port for reading and writing, non-blocking.
Result<UniqueFd> open_virtio_port(const std::string &sysfs_root, const std::string &dev_root,
                                  std::string_view name);

}  // namespace bp
