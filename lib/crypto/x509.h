// X.509 certificates (RFC 5280) over mbedtls' parser: fields, public keys,
// extensions by OID, and checking that one certificate was signed by
// another's key (RSA PKCS#1 v1.5, RSASSA-PSS as AMD's SEV chain uses, and
// ECDSA). Path building and policy (which roots to trust, which names to
// expect) belong to the caller.
#pragma once

#include <stdint.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/ec.h"
#include "lib/crypto/sha.h"
#include "lib/crypto/x509_extensions.h"

namespace bp {

enum class PublicKeyType { rsa, ec };

// Unsigned big-endian integers without leading zeros.
struct RsaPublicKey {
  Bytes modulus;
  Bytes exponent;
};

class Certificate {
 public:
  // Exactly one DER certificate: trailing bytes are an error.
  static Result<Certificate> parse_der(ByteView der);
  // Every certificate of a PEM file or bundle, in file order (see pem.h).
  static Result<std::vector<Certificate>> parse_pem(std::string_view pem);

  Certificate(Certificate &&) noexcept;
  Certificate &operator=(Certificate &&) noexcept;
  ~Certificate();

  ByteView der() const;
  // Distinguished names as mbedtls prints them: "C=US, ST=CA, ..., CN=SEV-Milan";
  // non-printable characters are replaced by '?'.
  const std::string &subject() const;
  const std::string &issuer() const;
  ByteView serial() const;  // contents of the INTEGER
  bool is_ca() const;

  // Validity in seconds since the Unix epoch (UTC).
  int64_t not_before() const;
  int64_t not_after() const;
  // Error unless not_before <= now <= not_after.
  Status check_validity(int64_t now) const;

  PublicKeyType public_key_type() const;
  size_t public_key_bits() const;
  Result<EcPublicKey> ec_public_key() const;    // error for non-EC keys and other curves
  Result<RsaPublicKey> rsa_public_key() const;  // error for non-RSA keys
  // The DER SubjectPublicKeyInfo, and its hashes for pinning.
  ByteView subject_public_key_info() const;
  Sha256Digest spki_sha256() const;
  Sha384Digest spki_sha384() const;

  const std::vector<CertificateExtension> &extensions() const;
  // extnValue's contents for the extension with this dotted OID; an error
  // if the certificate has none.
  Result<ByteView> extension(std::string_view oid) const;

  // Checks that this certificate's issuer name equals issuer's subject and
  // that its signature verifies under issuer's public key. Only SHA-256,
  // SHA-384 and SHA-512 signatures are accepted. Nothing else (validity,
  // CA flag, key usage) is checked here.
  Status verify_signed_by(const Certificate &issuer) const;

 private:
  struct Parsed;
  explicit Certificate(std::unique_ptr<Parsed> parsed);

  std::unique_ptr<Parsed> parsed_;
};

}  // namespace bp
