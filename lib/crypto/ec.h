// Elliptic curves P-256, P-384 and P-521 (NIST FIPS 186-4): keys, ECDH
// (SEC 1 section 3.3.1) and ECDSA. Points travel as uncompressed SEC 1
// encodings (0x04 || X || Y) or as JWK-style coordinates: unsigned
// big-endian, exactly ec_field_size() bytes each.
#pragma once

#include <string_view>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/random.h"

namespace bp {

enum class EcCurve { p256, p384, p521 };

// Bytes of a coordinate or a scalar: 32, 48, 66.
size_t ec_field_size(EcCurve curve);
// The JWK "crv" names: "P-256", "P-384", "P-521".
const char *ec_curve_name(EcCurve curve);
Result<EcCurve> parse_ec_curve_name(std::string_view name);

// The widest r or s that verify_digest() accepts: 72 bytes, the width of
// the fields in an SNP attestation report.
constexpr size_t kMaxEcdsaIntegerSize = 72;

class EcPublicKey {
 public:
  // Both check that the point is on the curve and is not the point at
  // infinity; an invalid point can never become an EcPublicKey.
  static Result<EcPublicKey> from_uncompressed(EcCurve curve, ByteView point);
  static Result<EcPublicKey> from_coordinates(EcCurve curve, ByteView x, ByteView y);

  EcCurve curve() const { return curve_; }
  ByteView uncompressed() const { return point_; }
  ByteView x() const { return ByteView(point_).subview(1, ec_field_size(curve_)); }
  ByteView y() const { return ByteView(point_).subview(1 + ec_field_size(curve_)); }

  // ECDSA verification of a digest the caller computed (SHA-256 for P-256,
  // SHA-384 for P-384 and SNP reports). r and s are unsigned big-endian
  // integers; leading zeros are allowed, up to kMaxEcdsaIntegerSize bytes.
  // An SNP report stores r and s as 72-byte little-endian fields: reverse
  // each into big-endian first.
  Status verify_digest(ByteView digest, ByteView r, ByteView s) const;

 private:
  EcPublicKey(EcCurve curve, Bytes point) : curve_(curve), point_(std::move(point)) {}

  EcCurve curve_;
  Bytes point_;  // 0x04 || X || Y, validated
};

// r and s are big-endian, ec_field_size() bytes each.
struct EcdsaSignature {
  Bytes r;
  Bytes s;
  // r || s, the JWS (RFC 7518 section 3.4) encoding.
  Bytes raw() const;
};

class EcPrivateKey {
 public:
  static Result<EcPrivateKey> generate(EcCurve curve, Random &random);
  // d: big-endian, exactly ec_field_size() bytes, 1 <= d < n.
  static Result<EcPrivateKey> from_scalar(EcCurve curve, ByteView d);

  EcCurve curve() const { return public_key_.curve(); }
  const EcPublicKey &public_key() const { return public_key_; }
  // The private scalar d (big-endian, ec_field_size() bytes).
  Result<SecretBytes> export_scalar() const;

  // ECDH: the x-coordinate of d * peer, ec_field_size() bytes (the "Z" of
  // SEC 1 and JWA). The peer must be on the same curve. random blinds the
  // computation against side channels.
  Result<SecretBytes> ecdh(const EcPublicKey &peer, Random &random) const;

  // Deterministic ECDSA (RFC 6979) over a digest made with `algorithm`;
  // random only blinds the computation.
  Result<EcdsaSignature> sign_digest(HashAlgorithm algorithm, ByteView digest, Random &random) const;

 private:
  EcPrivateKey(SecretBytes d, EcPublicKey public_key)
      : d_(std::move(d)), public_key_(std::move(public_key)) {}

  SecretBytes d_;
  EcPublicKey public_key_;
};

}  // namespace bp
