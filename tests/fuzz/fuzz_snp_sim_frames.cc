// Frames of the SNP simulator channel (lib/snp/sim_protocol.h). The input is
// a response as the guest reads it from the virtio-serial port: the 24-byte
// header, checked before anything is allocated, then the report and the
// certificate table it announces, parsed and matched to the request as the
// sim provider does (make_evidence). The same
// bytes are also read as a request (what the host side parses). Accepted
// headers and requests encode back to their bytes.
#include <stddef.h>
#include <stdint.h>

#include "lib/snp/cert_table.h"
#include "lib/snp/provider.h"
#include "lib/snp/report.h"
#include "lib/snp/sim_protocol.h"
#include "tests/fuzz/fuzz_support.h"

namespace snp = bp::snp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto request = snp::parse_sim_request(input);
  if (request.ok()) {
    FUZZ_CHECK(bp::ByteView(snp::encode_sim_request(request.value())) ==
               input.subview(0, snp::kSimRequestSize));
  }

  auto header = snp::parse_sim_response_header(input.subview(0, snp::kSimResponseHeaderSize));
  if (!header.ok()) return 0;
  FUZZ_CHECK(header.value().report_len <= snp::kReportSize &&
             header.value().certs_len <= snp::kSimMaxCertsLen);
  bp::ByteView payload = input.subview(snp::kSimResponseHeaderSize);
  if (payload.size() < header.value().payload_size()) return 0;  // the guest would read more
  bp::ByteView report = payload.subview(0, header.value().report_len);
  bp::ByteView certs = payload.subview(header.value().report_len, header.value().certs_len);
  bp::Bytes frame = snp::encode_sim_response(header.value(), report, certs);
  FUZZ_CHECK(bp::ByteView(frame) ==
             input.subview(0, snp::kSimResponseHeaderSize + header.value().payload_size()));
  if (header.value().status != 0) return 0;
  // What the sim provider does with a success: make_evidence parses both and
  // checks the report answers the request (here: the report's own fields).
  auto parsed = snp::parse_report(report);
  bool table_ok = snp::parse_cert_table(certs).ok();
  if (!parsed.ok()) return 0;
  const auto &fields = parsed.value();
  auto evidence =
      snp::make_evidence(report.to_bytes(), certs.to_bytes(),
                         bp::ByteView(fields.report_data.data(), fields.report_data.size()), fields.vmpl);
  FUZZ_CHECK(evidence.ok() == table_ok);
  return 0;
}
