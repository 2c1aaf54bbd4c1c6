// The SNP evidence JSON that Confidential Containers' attester sends to a
// Trustee KBS as `tee-evidence.primary_evidence` for tee "snp" (serde of the
// `sev` crate's AttestationReport plus the certificate table):
//
//   {"attestation_report": {"version":3, ..., "signature":{"r":[..72],"s":[..72]}},
//    "cert_chain": [{"cert_type":"VCEK","data":[..DER..]}] | null}
//
// Byte arrays are arrays of integers; TCB values are objects
// {"fmc": null|n, "bootloader", "tee", "snp", "microcode"} split by the
// processor's layout; firmware versions {"major","minor","build"}. The
// verifier re-encodes these fields into the 1184 bytes to check the
// signature, so every field must be written exactly: field order, the CPUID
// fields (null before version 3) and the mitigation vectors (version 5 only)
// follow the reference fixture (tests/data/trustee/snp-evidence-genoa.json).
#pragma once

#include "lib/json/json.h"
#include "lib/snp/cert_table.h"
#include "lib/snp/report.h"

namespace bp::snp {

// Fails for a report whose TCB layout cannot be told (v2 with a masked chip
// ID) or whose TCB values have reserved bytes set: the JSON could not carry
// them and the signature would not verify.
Result<Json> snp_evidence_json(const AttestationReport &report, const CertTable &certs);

struct SnpEvidence {
  AttestationReport report;
  CertTable certs;  // empty for "cert_chain": null
};

// The inverse, strict: unknown or missing keys and out-of-range values are
// errors naming their JSON path.
Result<SnpEvidence> parse_snp_evidence_json(const Json &evidence);

}  // namespace bp::snp
