// What `bp-measure report verify` accepts beyond authenticity: a policy over
// the report's fields, read from a JSON file (format in measure/README.md),
// or a reference-values document (what `bp-measure reference-values` writes),
// or the default: debug and a migration agent forbidden, nothing
// workload-specific checked.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/json/json.h"
#include "lib/snp/report.h"
#include "lib/snp/report_checks.h"

namespace bp::measure {

struct MinimumTcb {
  std::optional<uint8_t> fmc;  // Turin only: a Milan/Genoa TCB has no FMC and then fails
  uint8_t bootloader = 0;
  uint8_t tee = 0;
  uint8_t snp = 0;
  uint8_t microcode = 0;
};

struct ReportPolicy {
  bool allow_debug = false;            // guest policy bit 19
  bool allow_migration_agent = false;  // guest policy bit 18
  std::optional<bool> allow_smt;       // false: PLATFORM_INFO.SMT_EN must be clear
  std::vector<Bytes> measurements;     // empty: any
  std::optional<MinimumTcb> minimum_tcb;
  std::vector<uint32_t> vmpls;           // empty: any
  std::optional<Bytes> host_data;        // 32 bytes
  std::optional<Bytes> report_data;      // 64 bytes (zero-padded when given shorter)
  std::optional<uint64_t> guest_policy;  // compared without bit 19 (the debug check's)
};

// A policy document ({"version": 1, ...}) or a reference-values document
// ({"version": 1, "snp": {...}}). Unknown policy members are errors; a
// reference-values document may carry members this tool does not use.
Result<ReportPolicy> parse_report_policy(const Json &document);
Result<ReportPolicy> load_report_policy(const std::string &path);

// Appends one check per policy item: debug, migration_agent, and those the
// policy sets (smt, guest_policy, measurement, minimum_tcb, vmpl, host_data,
// report_data). layout: the report's TCB layout, when the product is known.
void evaluate_report_policy(const ReportPolicy &policy, const snp::AttestationReport &report,
                            std::optional<snp::TcbLayout> layout, snp::CheckList &checks);

}  // namespace bp::measure
