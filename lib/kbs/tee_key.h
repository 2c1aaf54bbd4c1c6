// The guest's ephemeral key for one attestation (KBS protocol "tee-pubkey"):
// an EC P-256 key pair made fresh each boot. The broker wraps every resource
// to its public half (ECDH-ES+A256KW); the private half never leaves memory.
#pragma once

#include "lib/core/result.h"
#include "lib/crypto/ec.h"
#include "lib/crypto/random.h"
#include "lib/json/json.h"

namespace bp::kbs {

constexpr const char *kTeeKeyAlgorithm = "ECDH-ES+A256KW";

class TeeKey {
 public:
  static Result<TeeKey> generate(Random &random);

  // {"kty":"EC","crv":"P-256","alg":"ECDH-ES+A256KW","x":<b64url>,"y":<b64url>}
  // (exactly these members: the broker hashes what serde keeps).
  Result<Json> public_jwk() const;
  const EcPrivateKey &private_key() const { return key_; }

 private:
  explicit TeeKey(EcPrivateKey key) : key_(std::move(key)) {}
  EcPrivateKey key_;
};

}  // namespace bp::kbs
