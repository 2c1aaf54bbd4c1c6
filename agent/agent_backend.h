// What the workload API needs from the rest of the system: resources from
// the broker, fresh SNP evidence, an attestation token. The HTTP side
// (workload_api.h) only routes and checks; everything that talks to the
// broker or the secure processor lives behind this interface, so routing is
// tested with a fake.
//
// Implementations are called from several HTTP worker threads at once and
// must be thread-safe. Errors are returned to the workload as 500 with the
// message: never put a secret into one.
#pragma once

#include <string>

#include "lib/agent/resource_path.h"
#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

struct KbsToken {
  std::string token;            // the broker's attestation token (EAR JWT)
  SecretBytes tee_keypair_pem;  // the private key the token's tee-pubkey belongs to (PKCS#8 PEM)
};

class AgentBackend {
 public:
  virtual ~AgentBackend() = default;

  // The plaintext of kbs:///<repository>/<type>/<tag>.
  virtual Result<SecretBytes> get_resource(const ResourcePath &path) = 0;
  // SNP evidence JSON (the shape Confidential Containers' attester produces)
  // for a report over exactly these 64 bytes of report_data.
  virtual Result<std::string> get_evidence(ByteView report_data) = 0;
  // A token for token_type "kbs", with the key pair it is bound to.
  virtual Result<KbsToken> get_token() = 0;
};

}  // namespace bp
