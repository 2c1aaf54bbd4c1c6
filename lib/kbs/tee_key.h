// The guest's ephemeral key for one attestation (KBS protocol "tee-pubkey"):
// an EC P-256 key pair made fresh each boot. The broker wraps every resource
// to its public half (ECDH-ES+A256KW); the private half never leaves memory
// (bp-init hands it to bp-agent in a sealed memfd, which serves it to the
// workload as /aa/token's "tee_keypair").
#pragma once

#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/ec.h"
#include "lib/crypto/random.h"
#include "lib/json/json.h"

namespace bp::kbs {

constexpr const char *kTeeKeyAlgorithm = "ECDH-ES+A256KW";

class TeeKey {
 public:
  static Result<TeeKey> generate(Random &random);
  // d: the P-256 private scalar, big-endian, 32 bytes (export_scalar()).
  static Result<TeeKey> from_scalar(ByteView d);

  // {"kty":"EC","crv":"P-256","alg":"ECDH-ES+A256KW","x":<b64url>,"y":<b64url>}
  // (exactly these members: the broker hashes what serde keeps).
  Result<Json> public_jwk() const;
  const EcPrivateKey &private_key() const { return key_; }
  Result<SecretBytes> export_scalar() const { return key_.export_scalar(); }
  // The key pair as an unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----",
  // RFC 5208 PrivateKeyInfo around an RFC 5915 ECPrivateKey with the public
  // key), in locked memory.
  Result<SecretBytes> private_key_pem() const;

 private:
  explicit TeeKey(EcPrivateKey key) : key_(std::move(key)) {}
  EcPrivateKey key_;
};

}  // namespace bp::kbs
