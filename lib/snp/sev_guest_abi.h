// The /dev/sev-guest ioctl ABI (include/uapi/linux/sev-guest.h) as byte
// layouts, so requests and responses are built and parsed with explicit
// offsets and bounds checks, and testable without the device:
//   snp_report_req          96 bytes: user_data[64] @0, vmpl u32 @64, rsvd[28]
//   snp_ext_report_req     112 bytes: snp_report_req @0, certs_address u64 @96,
//                                     certs_len u32 @104, padding to 112
//   snp_guest_request_ioctl 32 bytes: msg_version u8 @0, req_data u64 @8,
//                                     resp_data u64 @16, exitinfo2 u64 @24
//                                     (fw_error = low 32 bits, vmm_error = high)
//   snp_report_resp       4000 bytes: MSG_REPORT_RSP: status u32 @0,
//                                     report_size u32 @4, report @0x20
#pragma once

#include <stdint.h>

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/error.h"
#include "lib/core/result.h"

namespace bp::snp {

constexpr unsigned long kSnpGetReport = 0xC0205300;     // _IOWR('S', 0, struct snp_guest_request_ioctl)
constexpr unsigned long kSnpGetExtReport = 0xC0205302;  // _IOWR('S', 2, ...)
constexpr size_t kReportReqSize = 96;
constexpr size_t kExtReportReqSize = 112;
constexpr size_t kGuestRequestSize = 32;
constexpr size_t kReportRespSize = 4000;
constexpr size_t kReportRespHeaderSize = 0x20;
constexpr uint8_t kGuestMessageVersion = 1;
// SEV_FW_BLOB_MAX_SIZE: the kernel's limit for the certificate buffer, which
// must also be a whole number of pages.
constexpr size_t kExtReportCertsMax = 0x4000;
constexpr size_t kPageSize = 4096;
constexpr uint32_t kVmmErrorInvalidLength = 1;  // SNP_GUEST_VMM_ERR_INVALID_LEN
constexpr uint32_t kVmmErrorBusy = 2;           // SNP_GUEST_VMM_ERR_BUSY

void encode_report_req(uint8_t out[kReportReqSize], ByteView report_data, uint32_t vmpl);
void encode_ext_report_req(uint8_t out[kExtReportReqSize], ByteView report_data, uint32_t vmpl,
                           uint64_t certs_address, uint32_t certs_len);
// The kernel writes the needed certificate buffer size back into the request.
uint32_t ext_report_req_certs_len(const uint8_t req[kExtReportReqSize]);

// exitinfo2 starts at zero: the driver copies the struct back only on error.
void encode_guest_request(uint8_t out[kGuestRequestSize], uint64_t req_address, uint64_t resp_address);
uint64_t guest_request_exitinfo2(const uint8_t request[kGuestRequestSize]);
inline uint32_t firmware_error(uint64_t exitinfo2) { return static_cast<uint32_t>(exitinfo2); }
inline uint32_t vmm_error(uint64_t exitinfo2) { return static_cast<uint32_t>(exitinfo2 >> 32); }

// SEV firmware status names (psp-sev.h SEV_RET_*, SNP ABI status codes).
const char *firmware_status_name(uint32_t status);
const char *vmm_error_name(uint32_t error);
// For a failed ioctl: "what: strerror (firmware error 0x16 INVALID_PARAM,
// VMM error 0x0 none)", keeping errno.
Error guest_request_error(const std::string &what, int err, uint64_t exitinfo2);

// MSG_REPORT_RSP: a non-zero status is an error naming it; the report size
// must be kReportSize and fit the response.
Result<Bytes> parse_report_response(ByteView response);

}  // namespace bp::snp
