// bp-init's attest stage as one call: challenge, SNP evidence bound to the
// nonce and a fresh key, token, then every resource the boot needs, all over
// one connection and within one deadline. Resources come back decrypted in
// locked memory under the names the config gives them; the token comes back
// too (the agent serves it to the workload later). Nothing secret is logged.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/log.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/random.h"
#include "lib/kbs/client.h"
#include "lib/kbs/protocol.h"
#include "lib/kbs/tee_key.h"
#include "lib/snp/provider.h"

namespace bp::kbs {

struct ResourceRequest {
  std::string name;  // how the rest of the config refers to it
  ResourcePath path;
};

struct AttestConfig {
  KbsClientConfig kbs;
  std::vector<ResourceRequest> resources;
  uint64_t deadline_ms = 60000;  // the whole exchange, retries included
  uint32_t vmpl = 0;
};

struct NamedSecret {
  std::string name;
  SecretBytes value;
};

struct AttestCounters {
  uint32_t handshakes = 0;
  uint32_t connections = 0;
  uint32_t round_trips = 0;
  uint32_t retries = 0;
  uint64_t evidence_ms = 0;  // the provider's report
  uint64_t total_ms = 0;
};

struct AttestResult {
  std::vector<NamedSecret> resources;  // in the order of AttestConfig::resources
  SecretBytes token;
  std::optional<TeeKey> tee_key;  // the key the token's tee-pubkey is (always set on success)
  std::string provider;           // the provider that made the report
  AttestCounters counters;

  const SecretBytes *find(std::string_view name) const;
};

Result<AttestResult> attest(const AttestConfig &config, snp::Provider &provider, Random &random,
                            const Log &log);

// The attestation alone, on a client the caller keeps (bp-agent re-attests
// with it when its token expired): auth, a fresh key, the report, attest.
// The client keeps the new token for later requests.
struct AttestedSession {
  SecretBytes token;
  TeeKey key;
  uint64_t evidence_ms = 0;
};
Result<AttestedSession> attest_session(KbsClient &client, snp::Provider &provider, Random &random,
                                       uint32_t vmpl, Deadline deadline, const Log &log);

}  // namespace bp::kbs
