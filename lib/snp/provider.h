// Where SNP evidence comes from: a provider asks the secure processor (or, in
// tests, a simulator on the host) for an attestation report over 64 bytes of
// report_data and returns it with the host's certificate table. Everything a
// provider returns has been parsed and checked against the request here, so
// callers get typed evidence or an error.
#pragma once

#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/snp/cert_table.h"
#include "lib/snp/report.h"

namespace bp::snp {

constexpr uint32_t kMaxVmpl = 3;

struct Evidence {
  Bytes report_bytes;  // kReportSize bytes, as the firmware produced them
  AttestationReport report;
  Bytes cert_table_bytes;  // as the host supplied it; may be empty
  CertTable certs;
};

class Provider {
 public:
  virtual ~Provider() = default;
  // "tsm", "sev-guest" or "sim".
  virtual const char *name() const = 0;
  // report_data must be kReportDataSize bytes and vmpl at most kMaxVmpl.
  virtual Result<Evidence> get_report(ByteView report_data, uint32_t vmpl) = 0;
};

Status check_report_request(ByteView report_data, uint32_t vmpl);

// Parses the report and the certificate table and checks that the report
// answers this request (same report_data and VMPL), which also catches a
// stale report from an earlier request.
Result<Evidence> make_evidence(Bytes report_bytes, Bytes cert_table_bytes, ByteView report_data,
                               uint32_t vmpl);

}  // namespace bp::snp
