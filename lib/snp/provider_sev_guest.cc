#include "lib/snp/provider_sev_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/snp/sev_guest_abi.h"

namespace bp::snp {

namespace {

class FdGuestDevice : public GuestDevice {
 public:
  explicit FdGuestDevice(UniqueFd fd) : fd_(std::move(fd)) {}
  int ioctl(unsigned long request, void *argument) override {
    int rc;
    do {
      rc = ::ioctl(fd_.get(), request, argument);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? errno : 0;
  }

 private:
  UniqueFd fd_;
};

uint64_t address_of(const void *p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

struct Outcome {
  int err = 0;  // errno of the ioctl, 0 on success
  uint64_t exitinfo2 = 0;
};

// The report response lives in a 4000-byte buffer the driver fills.
struct alignas(8) ResponseBuffer {
  uint8_t bytes[kReportRespSize];
};

Outcome call(GuestDevice &device, unsigned long request, void *req, ResponseBuffer &resp) {
  alignas(8) uint8_t ioctl_arg[kGuestRequestSize];
  encode_guest_request(ioctl_arg, address_of(req), address_of(resp.bytes));
  Outcome out;
  out.err = device.ioctl(request, ioctl_arg);
  if (out.err != 0) out.exitinfo2 = guest_request_exitinfo2(ioctl_arg);
  return out;
}

bool wants_certificate_buffer(const Outcome &o) {
  return o.err != 0 && vmm_error(o.exitinfo2) == kVmmErrorInvalidLength;
}

// Errors that the plain request could avoid: the extended request itself is
// not available (no firmware or VMM status came back).
bool extended_unavailable(const Outcome &o) { return o.err != 0 && o.exitinfo2 == 0 && o.err != EIO; }

}  // namespace

Result<std::unique_ptr<SevGuestProvider>> SevGuestProvider::open(const std::string &path) {
  UniqueFd fd = TRY(open_file(path, O_RDWR));
  return std::make_unique<SevGuestProvider>(std::make_unique<FdGuestDevice>(std::move(fd)));
}

Result<Evidence> SevGuestProvider::get_report(ByteView report_data, uint32_t vmpl) {
  TRY(check_report_request(report_data, vmpl));
  ResponseBuffer resp{};
  alignas(8) uint8_t ext_req[kExtReportReqSize];
  encode_ext_report_req(ext_req, report_data, vmpl, 0, 0);
  Outcome o = call(*device_, kSnpGetExtReport, ext_req, resp);
  Bytes certs;
  // The host's table may change between the calls: size it twice at most.
  for (int attempt = 0; attempt < 2 && wants_certificate_buffer(o); ++attempt) {
    uint32_t needed = ext_report_req_certs_len(ext_req);
    if (needed == 0 || needed % kPageSize != 0 || needed > kExtReportCertsMax) {
      return Error(
          format("SNP_GET_EXT_REPORT: the host's certificate table needs %u bytes (expected whole "
                 "pages, at most %zu)",
                 needed, kExtReportCertsMax));
    }
    certs.assign(needed, 0);
    encode_ext_report_req(ext_req, report_data, vmpl, address_of(certs.data()), needed);
    resp = ResponseBuffer{};
    o = call(*device_, kSnpGetExtReport, ext_req, resp);
  }
  if (o.err != 0 && extended_unavailable(o)) {
    Error ext_error = guest_request_error("SNP_GET_EXT_REPORT", o.err, o.exitinfo2);
    alignas(8) uint8_t req[kReportReqSize];
    encode_report_req(req, report_data, vmpl);
    resp = ResponseBuffer{};
    certs.clear();
    o = call(*device_, kSnpGetReport, req, resp);
    if (o.err != 0) {
      return guest_request_error("SNP_GET_REPORT", o.err, o.exitinfo2)
          .with_context(ext_error.message() + ", then");
    }
  } else if (o.err != 0) {
    return guest_request_error("SNP_GET_EXT_REPORT", o.err, o.exitinfo2);
  }
  Bytes report = TRY(parse_report_response(ByteView(resp.bytes, sizeof resp.bytes)));
  return TRY_CONTEXT(make_evidence(std::move(report), std::move(certs), report_data, vmpl), "sev-guest");
}

}  // namespace bp::snp
