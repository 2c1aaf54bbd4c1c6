// The SNP evidence JSON of the Trustee protocol (parse_snp_evidence_json),
// strict in every field: what it accepts carries a report that serialises
// to 1184 bytes and evidence that, built again, is the same JSON document
// (compared canonically, so member order and whitespace do not matter).
#include <stddef.h>
#include <stdint.h>

#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "lib/snp/evidence_json.h"
#include "lib/snp/report.h"
#include "tests/fuzz/fuzz_support.h"

namespace snp = bp::snp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto json = bp::parse_json(bp::as_text(data, size), size_t{256} * 1024, 8);
  if (!json.ok()) return 0;
  auto evidence = snp::parse_snp_evidence_json(json.value());
  if (!evidence.ok()) return 0;
  auto bytes = snp::serialize_report(evidence.value().report);
  FUZZ_CHECK(bytes.ok() && bytes.value().size() == snp::kReportSize);
  FUZZ_CHECK(snp::parse_report(bytes.value()).ok());
  auto rebuilt = snp::snp_evidence_json(evidence.value().report, evidence.value().certs);
  FUZZ_CHECK(rebuilt.ok());
  auto original = bp::json_canonical(json.value());
  auto again = bp::json_canonical(rebuilt.value());
  FUZZ_CHECK(original.ok() && again.ok() && original.value() == again.value());
  return 0;
}
