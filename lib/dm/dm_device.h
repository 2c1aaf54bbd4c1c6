// An active device-mapper device owned by this process: created, loaded and
// resumed in one call, removed (with its /dev/mapper node) when the handle is
// destroyed unless commit() was called. A device that fails half-way through
// activation is removed before the error is returned.
#pragma once

#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/dm/dm_control.h"
#include "lib/dm/dm_node.h"
#include "lib/dm/dm_target.h"

namespace bp {

struct DmDeviceSpec {
  std::string name;
  std::string uuid;  // optional
  std::vector<DmTarget> table;
  DmTableOptions options;
  // Where the node goes; empty: make none (then use /dev/dm-<minor>).
  std::string node_dir = "/dev/mapper";
};

class DmDevice {
 public:
  static Result<DmDevice> activate(const DmControl &control, const DmDeviceSpec &spec);

  DmDevice(DmDevice &&other) noexcept;
  DmDevice &operator=(DmDevice &&) = delete;
  DmDevice(const DmDevice &) = delete;
  DmDevice &operator=(const DmDevice &) = delete;
  ~DmDevice();

  const std::string &name() const { return name_; }
  DeviceNumber number() const { return number_; }
  // "/dev/mapper/<name>", or "" when no node was made.
  const std::string &node_path() const { return node_path_; }
  // "major:minor", for stacking in another table.
  std::string device_string() const { return device_number_string(number_); }
  const DmControl &control() const { return control_; }

  // Removes the device and its node now and reports failure (for example a
  // device still open: EBUSY). After success the handle is empty.
  Status remove();
  // Leaves the device in place when the handle goes away.
  void commit() { active_ = false; }

 private:
  DmDevice(DmControl control, std::string name, DeviceNumber number, std::string node_path)
      : control_(std::move(control)),
        name_(std::move(name)),
        number_(number),
        node_path_(std::move(node_path)) {}

  DmControl control_;
  std::string name_;
  DeviceNumber number_;
  std::string node_path_;
  bool active_ = true;
};

}  // namespace bp
