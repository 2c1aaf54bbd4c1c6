// The `sim` provider: asks the host-side SNP simulator over the virtio-serial
// port org.buckypaper.snp-sim.0 (framing in sim_protocol.h). The port is
// found by its name under /sys/class/virtio-ports/*/name, never by number.
// Only a measured config may enable it (the caller decides).
#pragma once

#include <stdint.h>

#include <memory>
#include <string>

#include "lib/core/deadline.h"
#include "lib/core/unique_fd.h"
#include "lib/snp/provider.h"

namespace bp::snp {

struct SimOptions {
  uint64_t timeout_ms = 10000;  // per get_report call
};

// The device node of the port with that name: <dev_root>/<vportNpM>.
Result<std::string> find_virtio_port(const std::string &name, const std::string &sysfs_root = "/sys",
                                     const std::string &dev_root = "/dev");

class SimProvider : public Provider {
 public:
  static Result<std::unique_ptr<SimProvider>> open(const SimOptions &options,
                                                   const std::string &sysfs_root = "/sys",
                                                   const std::string &dev_root = "/dev");
  // Over an already open port (tests pass one end of a socketpair). The fd
  // must be non-blocking.
  SimProvider(UniqueFd fd, const SimOptions &options, uint32_t first_request_id);

  const char *name() const override { return "sim"; }
  Result<Evidence> get_report(ByteView report_data, uint32_t vmpl) override;

 private:
  Result<Evidence> exchange(ByteView report_data, uint32_t vmpl, Deadline deadline);

  UniqueFd fd_;
  SimOptions options_;
  uint32_t next_id_;
};

}  // namespace bp::snp
