#include "lib/crypto/ec.h"

#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

constexpr EcCurve kCurves[] = {EcCurve::p256, EcCurve::p384, EcCurve::p521};

mbedtls_ecp_group_id group_id(EcCurve curve) {
  switch (curve) {
    case EcCurve::p256:
      return MBEDTLS_ECP_DP_SECP256R1;
    case EcCurve::p384:
      return MBEDTLS_ECP_DP_SECP384R1;
    case EcCurve::p521:
      return MBEDTLS_ECP_DP_SECP521R1;
  }
  return MBEDTLS_ECP_DP_NONE;
}

// RAII owners of the mbedtls objects; each zeroes its memory when freed.
class Group {
 public:
  Group() { mbedtls_ecp_group_init(&group_); }
  ~Group() { mbedtls_ecp_group_free(&group_); }
  Group(const Group &) = delete;
  Group &operator=(const Group &) = delete;
  Status load(EcCurve curve) {
    int rc = mbedtls_ecp_group_load(&group_, group_id(curve));
    if (rc != 0) return mbedtls_error(format("%s: loading the curve", ec_curve_name(curve)).c_str(), rc);
    return {};
  }
  mbedtls_ecp_group *get() { return &group_; }

 private:
  mbedtls_ecp_group group_;
};

class Mpi {
 public:
  Mpi() { mbedtls_mpi_init(&mpi_); }
  ~Mpi() { mbedtls_mpi_free(&mpi_); }
  Mpi(const Mpi &) = delete;
  Mpi &operator=(const Mpi &) = delete;
  mbedtls_mpi *get() { return &mpi_; }

 private:
  mbedtls_mpi mpi_;
};

class Point {
 public:
  Point() { mbedtls_ecp_point_init(&point_); }
  ~Point() { mbedtls_ecp_point_free(&point_); }
  Point(const Point &) = delete;
  Point &operator=(const Point &) = delete;
  mbedtls_ecp_point *get() { return &point_; }

 private:
  mbedtls_ecp_point point_;
};

// Loads a validated public key into an mbedtls point.
Status load_point(Group &group, const EcPublicKey &key, Point &point) {
  ByteView bytes = key.uncompressed();
  int rc = mbedtls_ecp_point_read_binary(group.get(), point.get(), bytes.data(), bytes.size());
  if (rc != 0)
    return mbedtls_error(format("%s: reading the public key", ec_curve_name(key.curve())).c_str(), rc);
  return {};
}

Result<Bytes> write_point(EcCurve curve, Group &group, Point &point) {
  Bytes out(1 + 2 * ec_field_size(curve));
  size_t written = 0;
  int rc = mbedtls_ecp_point_write_binary(group.get(), point.get(), MBEDTLS_ECP_PF_UNCOMPRESSED, &written,
                                          out.data(), out.size());
  if (rc != 0 || written != out.size()) {
    return mbedtls_error(format("%s: writing the public key", ec_curve_name(curve)).c_str(), rc);
  }
  return out;
}

Result<SecretBytes> write_secret(const char *what, Mpi &mpi, size_t size) {
  SecretBytes out = TRY(SecretBytes::allocate(size));
  int rc = mbedtls_mpi_write_binary(mpi.get(), out.data(), out.size());
  if (rc != 0) return mbedtls_error(what, rc);
  return out;
}

Status read_scalar(EcCurve curve, const SecretBytes &d, Mpi &mpi) {
  int rc = mbedtls_mpi_read_binary(mpi.get(), d.view().data(), d.size());
  if (rc != 0) return mbedtls_error(format("%s: reading the private key", ec_curve_name(curve)).c_str(), rc);
  return {};
}

}  // namespace

size_t ec_field_size(EcCurve curve) {
  switch (curve) {
    case EcCurve::p256:
      return 32;
    case EcCurve::p384:
      return 48;
    case EcCurve::p521:
      return 66;
  }
  return 0;
}

const char *ec_curve_name(EcCurve curve) {
  switch (curve) {
    case EcCurve::p256:
      return "P-256";
    case EcCurve::p384:
      return "P-384";
    case EcCurve::p521:
      return "P-521";
  }
  return "unknown";
}

Result<EcCurve> parse_ec_curve_name(std::string_view name) {
  for (EcCurve curve : kCurves) {
    if (name == ec_curve_name(curve)) return curve;
  }
  return Error(format("unsupported curve '%.*s' (expected P-256, P-384 or P-521)",
                      static_cast<int>(name.size() > 32 ? 32 : name.size()), name.data()));
}

Result<EcPublicKey> EcPublicKey::from_uncompressed(EcCurve curve, ByteView point) {
  size_t expected = 1 + 2 * ec_field_size(curve);
  if (point.size() != expected) {
    return Error(format("%s public key: %zu bytes, expected %zu (0x04 || X || Y)", ec_curve_name(curve),
                        point.size(), expected));
  }
  if (point[0] != 0x04) {
    return Error(format("%s public key: first byte 0x%02x, expected 0x04 (uncompressed)",
                        ec_curve_name(curve), point[0]));
  }
  Group group;
  TRY(group.load(curve));
  Point p;
  int rc = mbedtls_ecp_point_read_binary(group.get(), p.get(), point.data(), point.size());
  if (rc == 0) rc = mbedtls_ecp_check_pubkey(group.get(), p.get());
  if (rc != 0) return Error(format("%s public key: not a point on the curve", ec_curve_name(curve)));
  return EcPublicKey(curve, point.to_bytes());
}

Result<EcPublicKey> EcPublicKey::from_coordinates(EcCurve curve, ByteView x, ByteView y) {
  size_t size = ec_field_size(curve);
  if (x.size() != size || y.size() != size) {
    return Error(format("%s public key: coordinates of %zu and %zu bytes, expected %zu each",
                        ec_curve_name(curve), x.size(), y.size(), size));
  }
  Bytes point;
  point.reserve(1 + 2 * size);
  point.push_back(0x04);
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  return from_uncompressed(curve, point);
}

Status EcPublicKey::verify_digest(ByteView digest, ByteView r, ByteView s) const {
  const char *name = ec_curve_name(curve_);
  if (digest.empty()) return Error(format("ecdsa %s verify: empty digest", name));
  if (r.empty() || s.empty() || r.size() > kMaxEcdsaIntegerSize || s.size() > kMaxEcdsaIntegerSize) {
    return Error(format("ecdsa %s verify: r and s have %zu and %zu bytes, expected 1 to %zu each", name,
                        r.size(), s.size(), kMaxEcdsaIntegerSize));
  }
  Group group;
  TRY(group.load(curve_));
  Point q;
  TRY(load_point(group, *this, q));
  Mpi mr, ms;
  int rc = mbedtls_mpi_read_binary(mr.get(), r.data(), r.size());
  if (rc == 0) rc = mbedtls_mpi_read_binary(ms.get(), s.data(), s.size());
  if (rc != 0) return mbedtls_error(format("ecdsa %s verify: reading r and s", name).c_str(), rc);
  rc = mbedtls_ecdsa_verify(group.get(), digest.data(), digest.size(), q.get(), mr.get(), ms.get());
  if (rc == MBEDTLS_ERR_ECP_VERIFY_FAILED)
    return Error(format("ecdsa %s verify: signature does not match", name));
  if (rc != 0) return mbedtls_error(format("ecdsa %s verify", name).c_str(), rc);
  return {};
}

Bytes EcdsaSignature::raw() const {
  Bytes out = r;
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Result<EcPrivateKey> EcPrivateKey::generate(EcCurve curve, Random &random) {
  Group group;
  TRY(group.load(curve));
  Mpi d;
  Point q;
  int rc = mbedtls_ecp_gen_keypair(group.get(), d.get(), q.get(), Random::generate, &random);
  if (rc != 0) return mbedtls_error(format("%s: generating a key pair", ec_curve_name(curve)).c_str(), rc);
  SecretBytes scalar = TRY(write_secret("writing the private key", d, ec_field_size(curve)));
  Bytes point = TRY(write_point(curve, group, q));
  EcPublicKey public_key = TRY(EcPublicKey::from_uncompressed(curve, point));
  return EcPrivateKey(std::move(scalar), std::move(public_key));
}

Result<EcPrivateKey> EcPrivateKey::from_scalar(EcCurve curve, ByteView d) {
  const char *name = ec_curve_name(curve);
  if (d.size() != ec_field_size(curve)) {
    return Error(format("%s private key: %zu bytes, expected %zu", name, d.size(), ec_field_size(curve)));
  }
  SecretBytes scalar = TRY(SecretBytes::copy_of(d));
  Group group;
  TRY(group.load(curve));
  Mpi m;
  TRY(read_scalar(curve, scalar, m));
  if (mbedtls_ecp_check_privkey(group.get(), m.get()) != 0) {
    return Error(format("%s private key: out of range (expected 1 <= d < n)", name));
  }
  Point q;
  // No RNG here: mbedtls then blinds with an internal one seeded from d.
  int rc = mbedtls_ecp_mul(group.get(), q.get(), m.get(), &group.get()->G, nullptr, nullptr);
  if (rc != 0) return mbedtls_error(format("%s: computing the public key", name).c_str(), rc);
  Bytes point = TRY(write_point(curve, group, q));
  EcPublicKey public_key = TRY(EcPublicKey::from_uncompressed(curve, point));
  return EcPrivateKey(std::move(scalar), std::move(public_key));
}

Result<SecretBytes> EcPrivateKey::export_scalar() const { return SecretBytes::copy_of(d_.view()); }

Result<SecretBytes> EcPrivateKey::ecdh(const EcPublicKey &peer, Random &random) const {
  const char *name = ec_curve_name(curve());
  if (peer.curve() != curve()) {
    return Error(format("ecdh %s: peer key is on %s", name, ec_curve_name(peer.curve())));
  }
  Group group;
  TRY(group.load(curve()));
  Point q;
  TRY(load_point(group, peer, q));
  Mpi d, z;
  TRY(read_scalar(curve(), d_, d));
  int rc = mbedtls_ecdh_compute_shared(group.get(), z.get(), q.get(), d.get(), Random::generate, &random);
  if (rc != 0) return mbedtls_error(format("ecdh %s", name).c_str(), rc);
  return write_secret("ecdh: writing the shared secret", z, ec_field_size(curve()));
}

Result<EcdsaSignature> EcPrivateKey::sign_digest(HashAlgorithm algorithm, ByteView digest,
                                                 Random &random) const {
  const char *name = ec_curve_name(curve());
  if (digest.size() != hash_size(algorithm)) {
    return Error(format("ecdsa %s sign: digest has %zu bytes, expected %zu for %s", name, digest.size(),
                        hash_size(algorithm), hash_name(algorithm)));
  }
  Group group;
  TRY(group.load(curve()));
  Mpi d, r, s;
  TRY(read_scalar(curve(), d_, d));
  int rc = mbedtls_ecdsa_sign_det_ext(group.get(), r.get(), s.get(), d.get(), digest.data(), digest.size(),
                                      md_type(algorithm), Random::generate, &random);
  if (rc != 0) return mbedtls_error(format("ecdsa %s sign", name).c_str(), rc);
  EcdsaSignature signature;
  signature.r.resize(ec_field_size(curve()));
  signature.s.resize(ec_field_size(curve()));
  rc = mbedtls_mpi_write_binary(r.get(), signature.r.data(), signature.r.size());
  if (rc == 0) rc = mbedtls_mpi_write_binary(s.get(), signature.s.data(), signature.s.size());
  if (rc != 0) return mbedtls_error(format("ecdsa %s sign: writing r and s", name).c_str(), rc);
  return signature;
}

}  // namespace bp
