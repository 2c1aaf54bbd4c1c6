// Test helper: a loop device over a file, detached on destruction; and the
// device-mapper availability check the dm integration tests skip on.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include <string>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/dm/dm_control.h"

namespace dm_test {

class LoopDevice {
 public:
  static bp::Result<LoopDevice> attach(const std::string &file) {
    bp::UniqueFd control = TRY(bp::open_file("/dev/loop-control", O_RDWR));
    int index = ioctl(control.get(), LOOP_CTL_GET_FREE);
    if (index < 0) return bp::Error::from_errno("LOOP_CTL_GET_FREE", errno);
    std::string path = bp::format("/dev/loop%d", index);
    bp::UniqueFd loop = TRY(bp::open_file(path, O_RDWR));
    bp::UniqueFd backing = TRY(bp::open_file(file, O_RDWR));
    if (ioctl(loop.get(), LOOP_SET_FD, backing.get()) != 0)
      return bp::Error::from_errno("LOOP_SET_FD", errno);
    return LoopDevice(std::move(loop), path);
  }
  LoopDevice(LoopDevice &&) = default;
  ~LoopDevice() {
    if (fd_.valid()) ioctl(fd_.get(), LOOP_CLR_FD, 0);
  }
  const std::string &path() const { return path_; }

 private:
  LoopDevice(bp::UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  bp::UniqueFd fd_;
  std::string path_;
};

// The control device, or nothing (with the reason printed) where this
// kernel has no device-mapper.
inline bp::Result<bp::DmControl> dm_control_or_skip_reason() {
  auto control = bp::DmControl::open();
  if (!control.ok()) {
    (void)fprintf(stderr, "SKIP: no device-mapper here (%s); covered where the kernel has it (QEMU)\n",
                  control.error().message().c_str());
  }
  return control;
}

}  // namespace dm_test
