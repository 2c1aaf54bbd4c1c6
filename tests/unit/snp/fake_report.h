// Test helpers: a well-formed (unsigned) report for a given report_data, and
// a small certificate table, as a provider would return them.
#pragma once

#include "lib/snp/cert_table.h"
#include "lib/snp/report.h"

namespace bp::snp::testing {

inline Bytes report_data_pattern(uint8_t seed) {
  Bytes data(kReportDataSize);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(seed + i);
  return data;
}

inline Bytes fake_report(ByteView report_data, uint32_t vmpl) {
  AttestationReport r;
  r.version = 3;
  r.policy = 0x30000;
  r.vmpl = vmpl;
  r.signature_algo = kSignatureAlgoEcdsaP384Sha384;
  r.cpuid_fam_id = 0x19;
  r.cpuid_mod_id = 0x11;
  for (size_t i = 0; i < report_data.size() && i < r.report_data.size(); ++i)
    r.report_data[i] = report_data[i];
  r.chip_id[0] = 1;
  r.signature.r[0] = 1;
  r.signature.s[0] = 1;
  Result<Bytes> raw = serialize_report(r);
  return raw.ok() ? raw.release_value() : Bytes();
}

inline Bytes fake_cert_table() {
  CertTable t;
  t.entries.push_back({cert_kind_guid(CertKind::vcek), Bytes(300, 0x30)});
  t.entries.push_back({cert_kind_guid(CertKind::ask), Bytes(200, 0x31)});
  Result<Bytes> raw = build_cert_table(t);
  return raw.ok() ? raw.release_value() : Bytes();
}

}  // namespace bp::snp::testing
