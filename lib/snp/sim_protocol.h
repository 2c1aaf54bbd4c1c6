// Frames of the SNP simulator channel: a virtio-serial port named
// org.buckypaper.snp-sim.0 between the guest and a host process that plays
// the AMD secure processor (qemu-tests/, for QEMU without SNP hardware).
// The host side is a separate implementation; this layout is the contract.
//
// All integers little-endian, no padding.
//
// Request (guest -> host), 80 bytes:
//   off  size  field
//   0    4     magic        0x4d495342 (the bytes 'B','S','I','M')
//   4    4     version      1
//   8    4     request_id   chosen by the guest, echoed in the response
//   12   4     vmpl         0..3
//   16   64    report_data
//
// Response (host -> guest), 24-byte header then payload:
//   0    4     magic        0x4d495342
//   4    4     version      1
//   8    4     request_id   of the request this answers
//   12   4     status       0 = success, else an SNP firmware status code
//                           (0x16 INVALID_PARAM, ...)
//   16   4     report_len   1184 on success; at most 1184 otherwise
//   20   4     certs_len    at most 65536 (64 KiB)
//   24   report_len bytes   the ATTESTATION_REPORT
//   ..   certs_len bytes    the certificate table in the extended-report
//                           (auxblob) format, or nothing
//
// The guest validates the header before reading (or allocating for) the
// payload: a wrong magic or version, or a length beyond those limits, is a
// protocol error. A response whose request_id is not the one just sent is a
// late answer to an earlier request that timed out: the guest reads past it.
#pragma once

#include <stdint.h>

#include <array>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp::snp {

constexpr const char *kSimPortName = "org.buckypaper.snp-sim.0";
constexpr uint32_t kSimMagic = 0x4d495342;
constexpr uint32_t kSimVersion = 1;
constexpr size_t kSimRequestSize = 80;
constexpr size_t kSimResponseHeaderSize = 24;
constexpr size_t kSimMaxCertsLen = size_t{64} * 1024;

struct SimRequest {
  uint32_t request_id = 0;
  uint32_t vmpl = 0;
  std::array<uint8_t, 64> report_data{};
};

struct SimResponseHeader {
  uint32_t request_id = 0;
  uint32_t status = 0;
  uint32_t report_len = 0;
  uint32_t certs_len = 0;

  size_t payload_size() const { return size_t{report_len} + certs_len; }
};

Bytes encode_sim_request(const SimRequest &request);
Result<SimRequest> parse_sim_request(ByteView bytes);

// Checks magic, version and the length limits (report_len must be the
// report size when status is 0).
Result<SimResponseHeader> parse_sim_response_header(ByteView bytes);
Bytes encode_sim_response(const SimResponseHeader &header, ByteView report, ByteView certs);

}  // namespace bp::snp
