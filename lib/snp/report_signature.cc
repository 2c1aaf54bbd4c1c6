#include "lib/snp/report_signature.h"

#include "lib/core/format.h"
#include "lib/crypto/sha.h"

namespace bp::snp {

Status verify_report_signature(const AttestationReport &report, const EcPublicKey &signing_key) {
  if (report.signature_algo != kSignatureAlgoEcdsaP384Sha384) {
    return Error(format("attestation report: signature algorithm %u, expected 1 (ECDSA P-384 SHA-384)",
                        report.signature_algo));
  }
  if (signing_key.curve() != EcCurve::p384) return Error("attestation report: the signing key is not P-384");
  Bytes raw = TRY(serialize_report(report));
  Sha384Digest digest = sha384(ByteView(raw.data(), kSignedSize));
  Bytes r(report.signature.r.rbegin(), report.signature.r.rend());
  Bytes s(report.signature.s.rbegin(), report.signature.s.rend());
  TRY_CONTEXT(signing_key.verify_digest(view(digest), r, s), "attestation report signature");
  return {};
}

}  // namespace bp::snp
