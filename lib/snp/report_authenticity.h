// Is an attestation report genuine? The chain from a pinned ARK through the
// ASK (or ASVK) to the VCEK (or VLEK), the VCEK's binding to this report
// (product, TCB, chip), and the report's own signature. Policy (debug,
// measurements, ...) is a separate step.
//
// Checks, in order, each with its own entry in the CheckList:
//   product      the processor generation: --product, or the report's CPUID
//                (v3+); both must agree; a v2 report needs --product
//   signing_key  the report says it was signed by a VCEK or a VLEK
//   vek          exactly one certificate of that kind was given
//   ark          the pinned ARK of the product verifies itself; any ARK given
//                has the pinned key
//   ask          the ASK (VCEK) or ASVK (VLEK) is signed by the pinned ARK;
//                every intermediate given must be (a wrong product fails here)
//   vek_chain    the VCEK/VLEK is signed by that ASK/ASVK
//   validity     ARK, ASK/ASVK and VCEK/VLEK are valid at the given time
//   vek_product  productName names the product
//   vek_tcb      the SPL extensions equal REPORTED_TCB (FMC on Turin)
//   vek_hwid     VCEK: hwID equals CHIP_ID (8 bytes on Turin); VLEK: no hwID
//                and a csp_id
//   signature    ECDSA P-384 SHA-384 over bytes [0, 0x2A0) with the VCEK/VLEK
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/crypto/x509.h"
#include "lib/snp/amd_roots.h"
#include "lib/snp/cert_table.h"
#include "lib/snp/product.h"
#include "lib/snp/report.h"
#include "lib/snp/report_checks.h"

namespace bp::snp {

// A certificate offered for the chain, from a cert table, evidence JSON or a
// PEM/DER file.
struct EndorsementInput {
  std::string source;            // for messages: "certs.pem #2", "cert table entry VCEK"
  std::optional<CertKind> kind;  // the label a cert table or evidence gave it
  Certificate certificate;
};

struct AuthenticityOptions {
  std::optional<Product> product;  // as the operator states it
  int64_t now = 0;                 // for certificate validity, seconds since the epoch
  // The trusted chains, one per product; amd_trusted_roots() in production.
  std::vector<AmdRootCertificates> roots;
};

std::vector<AmdRootCertificates> amd_trusted_roots();

struct Authenticity {
  std::optional<Product> product;  // when the product check passed
};

// Appends the checks listed above to checks.
Authenticity check_authenticity(const AttestationReport &report, const std::vector<EndorsementInput> &certs,
                                const AuthenticityOptions &options, CheckList &checks);

}  // namespace bp::snp
