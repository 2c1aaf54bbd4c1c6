#include "lib/snp/sev_guest_abi.h"

#include <string.h>

#include "lib/core/byte_order.h"
#include "lib/core/byte_reader.h"
#include "lib/core/error.h"
#include "lib/core/format.h"
#include "lib/snp/report.h"

namespace bp::snp {

namespace {

// SNP ABI spec status codes 0x00..0x1D, as psp-sev.h and go-sev-guest name them.
const char *const kFirmwareStatus[] = {
    "SUCCESS",
    "INVALID_PLATFORM_STATE",
    "INVALID_GUEST_STATE",
    "INVALID_CONFIG",
    "INVALID_LENGTH",
    "ALREADY_OWNED",
    "INVALID_CERTIFICATE",
    "POLICY_FAILURE",
    "INACTIVE",
    "INVALID_ADDRESS",
    "BAD_SIGNATURE",
    "BAD_MEASUREMENT",
    "ASID_OWNED",
    "INVALID_ASID",
    "WBINVD_REQUIRED",
    "DFFLUSH_REQUIRED",
    "INVALID_GUEST",
    "INVALID_COMMAND",
    "ACTIVE",
    "HWERROR_PLATFORM",
    "HWERROR_UNSAFE",
    "UNSUPPORTED",
    "INVALID_PARAM",
    "RESOURCE_LIMIT",
    "SECURE_DATA_INVALID",
    "INVALID_PAGE_SIZE",
    "INVALID_PAGE_STATE",
    "INVALID_MDATA_ENTRY",
    "INVALID_PAGE_OWNER",
    "AEAD_OFLOW",
};

}  // namespace

void encode_report_req(uint8_t out[kReportReqSize], ByteView report_data, uint32_t vmpl) {
  memset(out, 0, kReportReqSize);
  memcpy(out, report_data.data(), report_data.size() < 64 ? report_data.size() : 64);
  store_le32(out + 64, vmpl);
}

void encode_ext_report_req(uint8_t out[kExtReportReqSize], ByteView report_data, uint32_t vmpl,
                           uint64_t certs_address, uint32_t certs_len) {
  memset(out, 0, kExtReportReqSize);
  encode_report_req(out, report_data, vmpl);
  store_le64(out + 96, certs_address);
  store_le32(out + 104, certs_len);
}

uint32_t ext_report_req_certs_len(const uint8_t req[kExtReportReqSize]) { return load_le32(req + 104); }

void encode_guest_request(uint8_t out[kGuestRequestSize], uint64_t req_address, uint64_t resp_address) {
  memset(out, 0, kGuestRequestSize);
  out[0] = kGuestMessageVersion;
  store_le64(out + 8, req_address);
  store_le64(out + 16, resp_address);
}

uint64_t guest_request_exitinfo2(const uint8_t request[kGuestRequestSize]) { return load_le64(request + 24); }

const char *firmware_status_name(uint32_t status) {
  if (status < sizeof kFirmwareStatus / sizeof kFirmwareStatus[0]) return kFirmwareStatus[status];
  if (status == 0x27) return "INVALID_KEY";  // returned in MSG_REPORT_RSP (snp.md 3.2)
  return "unknown";
}

const char *vmm_error_name(uint32_t error) {
  switch (error) {
    case 0:
      return "none";
    case kVmmErrorInvalidLength:
      return "INVALID_LEN";
    case kVmmErrorBusy:
      return "BUSY";
    default:
      return "unknown";
  }
}

Error guest_request_error(const std::string &what, int err, uint64_t exitinfo2) {
  uint32_t fw = firmware_error(exitinfo2);
  uint32_t vmm = vmm_error(exitinfo2);
  std::string message = Error::from_errno(what, err).message();
  message += format(" (firmware error 0x%x %s, VMM error 0x%x %s)", fw, firmware_status_name(fw), vmm,
                    vmm_error_name(vmm));
  return Error(std::move(message), err);
}

Result<Bytes> parse_report_response(ByteView response) {
  ByteReader reader(response);
  uint32_t status = TRY_CONTEXT(reader.u32_le("status"), "MSG_REPORT_RSP");
  uint32_t size = TRY_CONTEXT(reader.u32_le("report_size"), "MSG_REPORT_RSP");
  if (status != 0) {
    return Error(format("MSG_REPORT_RSP: firmware status 0x%x (%s)", status, firmware_status_name(status)));
  }
  if (size != kReportSize) {
    return Error(format("MSG_REPORT_RSP: report_size %u, expected %zu", size, kReportSize));
  }
  TRY_CONTEXT(reader.seek(kReportRespHeaderSize), "MSG_REPORT_RSP");
  ByteView report = TRY_CONTEXT(reader.bytes(size, "report"), "MSG_REPORT_RSP");
  return report.to_bytes();
}

}  // namespace bp::snp
