#include "lib/dm/dm_device.h"

#include <errno.h>
#include <time.h>

#include <utility>

namespace bp {

namespace {

// Right after a device is closed, the kernel (or udev on a host) may still
// hold it for a moment; removal retries EBUSY briefly before giving up.
Status remove_with_retry(const DmControl &control, const std::string &name) {
  for (int attempt = 0;; ++attempt) {
    Status status = control.remove(name);
    if (status.ok() || status.error().errno_value() != EBUSY || attempt >= 20) return status;
    struct timespec pause = {0, 50L * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace

Result<DmDevice> DmDevice::activate(const DmControl &control, const DmDeviceSpec &spec) {
  DmControl own = TRY(control.duplicate());
  uint64_t dev = TRY(own.create(spec.name, spec.uuid));
  std::string node_path = spec.node_dir.empty() ? std::string() : spec.node_dir + "/" + spec.name;
  // From here on the handle owns the device: an early return removes it.
  DmDevice device(std::move(own), spec.name, decode_kernel_dev(dev), std::string());
  TRY_CONTEXT(device.control_.load_table(spec.name, spec.table, spec.options), "activating " + spec.name);
  TRY_CONTEXT(device.control_.resume(spec.name), "activating " + spec.name);
  if (!node_path.empty()) {
    TRY_CONTEXT(make_block_node(node_path, device.number_), "activating " + spec.name);
    device.node_path_ = std::move(node_path);
  }
  return device;
}

DmDevice::DmDevice(DmDevice &&other) noexcept
    : control_(std::move(other.control_)),
      name_(std::move(other.name_)),
      number_(other.number_),
      node_path_(std::move(other.node_path_)),
      active_(std::exchange(other.active_, false)) {}

DmDevice::~DmDevice() {
  // Errors cannot be reported from here; callers that care call remove().
  // A device still in use is at least scheduled to go when last closed.
  if (active_ && !remove().ok() && active_) (void)control_.remove(name_, /*deferred=*/true);
}

Status DmDevice::remove() {
  if (!active_) return {};
  TRY_CONTEXT(remove_with_retry(control_, name_), "removing " + name_);
  active_ = false;
  if (!node_path_.empty()) TRY_CONTEXT(remove_block_node(node_path_, number_), "removing " + name_);
  return {};
}

}  // namespace bp
