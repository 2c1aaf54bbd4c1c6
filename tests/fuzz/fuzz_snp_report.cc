// The SNP attestation report (parse_report) as it arrives from the secure
// processor through the host (configfs-tsm, /dev/sev-guest, the simulator).
// Every reserved byte is checked, so an accepted report serialises back to
// exactly its 1184 bytes; its TCB values split and re-join losslessly.
#include <stddef.h>
#include <stdint.h>

#include "lib/snp/report.h"
#include "tests/fuzz/fuzz_support.h"

namespace snp = bp::snp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto report = snp::parse_report(input);
  if (!report.ok()) return 0;
  FUZZ_CHECK(size == snp::kReportSize);
  auto bytes = snp::serialize_report(report.value());
  FUZZ_CHECK(bytes.ok() && bp::ByteView(bytes.value()) == input);
  auto layout = report.value().tcb_layout();
  if (!layout.ok()) return 0;
  for (uint64_t tcb : {report.value().current_tcb, report.value().reported_tcb, report.value().committed_tcb,
                       report.value().launch_tcb}) {
    auto parts = snp::decode_tcb(tcb, layout.value());
    if (!parts.ok()) continue;
    auto joined = snp::encode_tcb(parts.value(), layout.value());
    FUZZ_CHECK(joined.ok() && joined.value() == tcb);
  }
  return 0;
}
