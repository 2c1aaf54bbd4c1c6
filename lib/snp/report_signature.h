// Checking an attestation report's ECDSA P-384 signature with the VCEK's (or
// VLEK's) public key: SHA-384 over bytes [0, 0x2A0), R and S reversed from
// their 72-byte little-endian fields.
#pragma once

#include "lib/core/result.h"
#include "lib/crypto/ec.h"
#include "lib/snp/report.h"

namespace bp::snp {

Status verify_report_signature(const AttestationReport &report, const EcPublicKey &signing_key);

}  // namespace bp::snp
