#include "lib/snp/provider.h"

#include "lib/core/format.h"

namespace bp::snp {

Status check_report_request(ByteView report_data, uint32_t vmpl) {
  if (report_data.size() != kReportDataSize) {
    return Error(format("report_data is %zu bytes, expected %zu", report_data.size(), kReportDataSize));
  }
  if (vmpl > kMaxVmpl) return Error(format("VMPL %u is out of range (0 to %u)", vmpl, kMaxVmpl));
  return {};
}

Result<Evidence> make_evidence(Bytes report_bytes, Bytes cert_table_bytes, ByteView report_data,
                               uint32_t vmpl) {
  Evidence e;
  e.report = TRY(parse_report(report_bytes));
  if (ByteView(e.report.report_data.data(), e.report.report_data.size()) != report_data) {
    return Error("attestation report: report_data differs from the request (a stale or foreign report)");
  }
  if (e.report.vmpl != vmpl) {
    return Error(format("attestation report: VMPL %u, requested %u", e.report.vmpl, vmpl));
  }
  e.certs = TRY(parse_cert_table(cert_table_bytes));
  e.report_bytes = std::move(report_bytes);
  e.cert_table_bytes = std::move(cert_table_bytes);
  return e;
}

}  // namespace bp::snp
