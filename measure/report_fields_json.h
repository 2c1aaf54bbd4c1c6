// `bp-measure report show`: every field of an attestation report as JSON,
// with the bit fields (guest policy, platform info, signer info) and TCB
// versions decoded, and the certificates that came with it.
#pragma once

#include <optional>

#include "lib/core/result.h"
#include "lib/json/json.h"
#include "lib/snp/product.h"
#include "lib/snp/report.h"
#include "measure/report_input.h"

namespace bp::measure {

// product: as given or from CPUID; without it the TCB layout comes from the
// report's shape (snp::AttestationReport::tcb_layout), or TCBs stay raw.
Result<Json> report_fields_json(const snp::AttestationReport &report, std::optional<snp::Product> product);

// One object per certificate: where it came from, names, validity, key,
// SPKI SHA-384 and, for a VCEK/VLEK, AMD's extensions.
Result<Json> certificates_json(const CertificateSet &certs);

}  // namespace bp::measure
