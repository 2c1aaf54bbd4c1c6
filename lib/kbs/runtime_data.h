// Binding the SNP report to the KBS session (Trustee rcar_client and
// attestation-service): the runtime data is {"nonce", "tee-pubkey"}; the
// broker adds "additional-evidence" and hashes the RFC 8785 canonical form:
//   report_data = SHA-384(JCS({"additional-evidence":"","nonce":N,"tee-pubkey":JWK})) || 16 zero bytes
#pragma once

#include <array>
#include <string>

#include "lib/core/result.h"
#include "lib/json/json.h"

namespace bp::kbs {

using ReportData = std::array<uint8_t, 64>;

// The "runtime-data" member of the attest request.
Result<Json> runtime_data_json(const std::string &nonce, const Json &tee_pubkey);

// The canonical bytes that are hashed, and the 64-byte report_data.
Result<std::string> report_data_preimage(const std::string &nonce, const Json &tee_pubkey);
Result<ReportData> report_data_for(const std::string &nonce, const Json &tee_pubkey);

}  // namespace bp::kbs
