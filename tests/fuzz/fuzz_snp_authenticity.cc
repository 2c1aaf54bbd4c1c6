// The whole authenticity check of SNP evidence (check_authenticity): the
// report (the first 1184 bytes) and the certificate table (the rest), as a
// verifier gets them, against AMD's pinned roots at a fixed time. Every
// certificate of the table that parses is offered for the chain, labelled
// with the table's kind. Nothing may pass unless the chain, the VEK's
// extensions and the report signature all hold, so a passing check list
// implies the report's signature verified.
#include <stddef.h>
#include <stdint.h>

#include "lib/snp/cert_table.h"
#include "lib/snp/product.h"
#include "lib/snp/report.h"
#include "lib/snp/report_authenticity.h"
#include "lib/snp/report_checks.h"
#include "tests/fuzz/fuzz_support.h"

namespace snp = bp::snp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto report = snp::parse_report(input.subview(0, snp::kReportSize));
  if (!report.ok()) return 0;
  auto table = snp::parse_cert_table(input.subview(snp::kReportSize));
  if (!table.ok()) return 0;
  std::vector<snp::EndorsementInput> certs;
  for (const snp::CertTableEntry &entry : table.value().entries) {
    auto certificate = bp::Certificate::parse_der(entry.data);
    if (!certificate.ok()) continue;
    certs.push_back(
        snp::EndorsementInput{std::string("cert table entry ") + snp::cert_kind_name(entry.kind()),
                              entry.kind(), certificate.release_value()});
  }
  static const std::vector<snp::AmdRootCertificates> roots = snp::amd_trusted_roots();
  snp::AuthenticityOptions options;
  options.now = 1748736000;  // 2025-06-01T00:00:00Z: inside the seeds' certificates' validity
  // A version 2 report has no CPUID: the operator names the product, and
  // the Milan seeds are what such reports come from.
  if (report.value().version == 2) options.product = snp::Product::milan;
  options.roots = roots;
  snp::CheckList checks;
  (void)snp::check_authenticity(report.value(), certs, options, checks);
  if (checks.all_passed()) {
    const snp::Check *signature = checks.find("signature");
    FUZZ_CHECK(signature != nullptr && signature->outcome == snp::CheckOutcome::pass);
  }
  return 0;
}
