// The device-mapper control device (/dev/mapper/control) and the ioctls the
// guest needs. Replies are decoded by dm_ioctl_codec; buffers grow when the
// kernel sets DM_BUFFER_FULL_FLAG.
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/core/unique_fd.h"
#include "lib/dm/dm_ioctl_codec.h"
#include "lib/dm/dm_target.h"

namespace bp {

struct DmVersion {
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t patch = 0;
};

struct DmTableOptions {
  bool read_only = false;  // required by dm-verity
  // Asks the kernel to wipe its copies of the ioctl buffer: set for crypt
  // tables even though ours only name a keyring key.
  bool secure_data = false;
};

class DmControl {
 public:
  static constexpr const char *kDefaultPath = "/dev/mapper/control";

  // Opens the control node; fails with ENOENT/ENODEV when the kernel has no
  // device-mapper.
  static Result<DmControl> open(const std::string &path = kDefaultPath);
  // A second handle on the same control device (DmDevice keeps one).
  Result<DmControl> duplicate() const;

  DmControl(DmControl &&) = default;
  DmControl &operator=(DmControl &&) = default;

  Result<DmVersion> version() const;
  // Creates a suspended device without a table; returns the kernel's dev.
  Result<uint64_t> create(const std::string &name, const std::string &uuid) const;
  Status load_table(const std::string &name, const std::vector<DmTarget> &table,
                    const DmTableOptions &options) const;
  // DM_DEV_SUSPEND without DM_SUSPEND_FLAG: makes the loaded table live.
  Status resume(const std::string &name) const;
  // deferred: if the device is open, remove it when it is last closed.
  Status remove(const std::string &name, bool deferred = false) const;
  // The live table as the kernel prints it (DM_TABLE_STATUS with
  // DM_STATUS_TABLE_FLAG), or the targets' status lines without it.
  Result<std::vector<DmTarget>> table(const std::string &name) const;
  Result<std::vector<DmTarget>> status(const std::string &name) const;
  Result<std::vector<DmListedDevice>> list_devices() const;

 private:
  explicit DmControl(UniqueFd fd) : fd_(std::move(fd)) {}
  Result<DmReply> call(unsigned long command, const char *command_name, const DmRequest &request) const;
  Result<std::vector<DmTarget>> table_status(const std::string &name, uint32_t flags) const;

  UniqueFd fd_;
};

}  // namespace bp
