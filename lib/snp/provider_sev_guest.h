// The /dev/sev-guest provider: SNP_GET_EXT_REPORT, first without a
// certificate buffer (the kernel answers with the size the host's table
// needs, VMM error INVALID_LEN), then with one of that size; SNP_GET_REPORT
// when the extended request is not available. Firmware and VMM error codes
// are reported with their numbers.
#pragma once

#include <memory>
#include <string>

#include "lib/core/unique_fd.h"
#include "lib/snp/provider.h"

namespace bp::snp {

// The device's ioctl, replaceable so tests can play the kernel.
class GuestDevice {
 public:
  virtual ~GuestDevice() = default;
  // Returns 0 or an errno value.
  virtual int ioctl(unsigned long request, void *argument) = 0;
};

class SevGuestProvider : public Provider {
 public:
  static constexpr const char *kDefaultPath = "/dev/sev-guest";

  static Result<std::unique_ptr<SevGuestProvider>> open(const std::string &path = kDefaultPath);
  explicit SevGuestProvider(std::unique_ptr<GuestDevice> device) : device_(std::move(device)) {}

  const char *name() const override { return "sev-guest"; }
  Result<Evidence> get_report(ByteView report_data, uint32_t vmpl) override;

 private:
  std::unique_ptr<GuestDevice> device_;
};

}  // namespace bp::snp
