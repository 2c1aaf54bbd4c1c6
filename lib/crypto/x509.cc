#include "lib/crypto/x509.h"

#include <mbedtls/asn1.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_crt.h>
#include <string.h>
#include <time.h>

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"
#include "lib/crypto/pem.h"

namespace bp {

struct Certificate::Parsed {
  Parsed() { mbedtls_x509_crt_init(&crt); }
  ~Parsed() { mbedtls_x509_crt_free(&crt); }
  Parsed(const Parsed &) = delete;
  Parsed &operator=(const Parsed &) = delete;

  mbedtls_x509_crt crt;
  std::string subject;
  std::string issuer;
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::vector<CertificateExtension> extensions;
};

namespace {

// Keeps RSA signatures meaningful: AMD's keys are 4096 bits, web PKI's 2048+.
constexpr size_t kMinRsaBits = 2048;

bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// mbedtls has checked the ranges (month 1..12, day valid for the month, year
// 0..9999), so the loop is bounded.
int64_t to_unix_seconds(const mbedtls_x509_time &t) {
  static constexpr int kDaysBeforeMonth[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  int64_t days = 0;
  for (int64_t y = 1970; y < t.year; ++y) days += is_leap(y) ? 366 : 365;
  for (int64_t y = t.year; y < 1970; ++y) days -= is_leap(y) ? 366 : 365;
  days += kDaysBeforeMonth[t.mon - 1] + (t.mon > 2 && is_leap(t.year) ? 1 : 0) + (t.day - 1);
  return ((days * 24 + t.hour) * 60 + t.min) * 60 + t.sec;
}

std::string format_time(int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return format("%lld", static_cast<long long>(seconds));
  return format("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
}

Result<std::string> name_string(const mbedtls_x509_name &name, const char *what) {
  char buffer[1024];
  int n = mbedtls_x509_dn_gets(buffer, sizeof buffer, &name);
  if (n < 0)
    return Error(format("X.509 certificate: %s name longer than %zu characters", what, sizeof buffer));
  return std::string(buffer, static_cast<size_t>(n));
}

Result<EcCurve> curve_of(mbedtls_ecp_group_id id) {
  switch (id) {
    case MBEDTLS_ECP_DP_SECP256R1:
      return EcCurve::p256;
    case MBEDTLS_ECP_DP_SECP384R1:
      return EcCurve::p384;
    case MBEDTLS_ECP_DP_SECP521R1:
      return EcCurve::p521;
    default:
      return Error("X.509 certificate: EC key on a curve other than P-256, P-384 or P-521");
  }
}

Result<Bytes> mpi_bytes(const mbedtls_mpi &mpi) {
  Bytes out(mbedtls_mpi_size(&mpi));
  int rc = mbedtls_mpi_write_binary(&mpi, out.data(), out.size());
  if (rc != 0) return mbedtls_error("X.509 certificate: RSA key", rc);
  return out;
}

class RsaParts {
 public:
  RsaParts() {
    mbedtls_mpi_init(&n);
    mbedtls_mpi_init(&e);
  }
  ~RsaParts() {
    mbedtls_mpi_free(&n);
    mbedtls_mpi_free(&e);
  }
  RsaParts(const RsaParts &) = delete;
  RsaParts &operator=(const RsaParts &) = delete;
  mbedtls_mpi n, e;
};

}  // namespace

Certificate::Certificate(std::unique_ptr<Parsed> parsed) : parsed_(std::move(parsed)) {}
Certificate::Certificate(Certificate &&) noexcept = default;
Certificate &Certificate::operator=(Certificate &&) noexcept = default;
Certificate::~Certificate() = default;

Result<Certificate> Certificate::parse_der(ByteView der) {
  if (der.empty()) return Error("X.509 certificate: empty input");
  // mbedtls ignores bytes after the certificate; a strict parser does not.
  unsigned char *p = const_cast<unsigned char *>(der.data());
  size_t length = 0;
  if (mbedtls_asn1_get_tag(&p, der.end(), &length, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0) {
    return Error(format("X.509 certificate: not a DER SEQUENCE or truncated (%zu bytes)", der.size()));
  }
  if (static_cast<size_t>(der.end() - p) != length) {
    return Error(format("X.509 certificate: %zu trailing bytes after the certificate",
                        static_cast<size_t>(der.end() - p) - length));
  }
  auto parsed = std::make_unique<Parsed>();
  int rc = mbedtls_x509_crt_parse_der(&parsed->crt, der.data(), der.size());
  if (rc != 0) return mbedtls_error("X.509 certificate", rc);
  const mbedtls_x509_crt &crt = parsed->crt;
  parsed->subject = TRY(name_string(crt.subject, "subject"));
  parsed->issuer = TRY(name_string(crt.issuer, "issuer"));
  parsed->not_before = to_unix_seconds(crt.valid_from);
  parsed->not_after = to_unix_seconds(crt.valid_to);
  parsed->extensions = TRY_CONTEXT(parse_certificate_extensions(ByteView(crt.tbs.p, crt.tbs.len)),
                                   "X.509 certificate " + parsed->subject);
  return Certificate(std::move(parsed));
}

Result<std::vector<Certificate>> Certificate::parse_pem(std::string_view pem) {
  std::vector<Bytes> ders = TRY(pem_decode_certificates(pem));
  std::vector<Certificate> certificates;
  for (size_t i = 0; i < ders.size(); ++i) {
    certificates.push_back(TRY_CONTEXT(parse_der(ders[i]), format("PEM certificate %zu", i + 1)));
  }
  return certificates;
}

ByteView Certificate::der() const { return ByteView(parsed_->crt.raw.p, parsed_->crt.raw.len); }
const std::string &Certificate::subject() const { return parsed_->subject; }
const std::string &Certificate::issuer() const { return parsed_->issuer; }
ByteView Certificate::serial() const { return ByteView(parsed_->crt.serial.p, parsed_->crt.serial.len); }
bool Certificate::is_ca() const { return parsed_->crt.ca_istrue != 0; }
int64_t Certificate::not_before() const { return parsed_->not_before; }
int64_t Certificate::not_after() const { return parsed_->not_after; }

Status Certificate::check_validity(int64_t now) const {
  if (now < parsed_->not_before) {
    return Error(format("certificate '%s' is not valid before %s (now %s)", parsed_->subject.c_str(),
                        format_time(parsed_->not_before).c_str(), format_time(now).c_str()));
  }
  if (now > parsed_->not_after) {
    return Error(format("certificate '%s' expired at %s (now %s)", parsed_->subject.c_str(),
                        format_time(parsed_->not_after).c_str(), format_time(now).c_str()));
  }
  return {};
}

PublicKeyType Certificate::public_key_type() const {
  return mbedtls_pk_can_do(&parsed_->crt.pk, MBEDTLS_PK_ECKEY) ? PublicKeyType::ec : PublicKeyType::rsa;
}

size_t Certificate::public_key_bits() const { return mbedtls_pk_get_bitlen(&parsed_->crt.pk); }

Result<EcPublicKey> Certificate::ec_public_key() const {
  const mbedtls_pk_context &pk = parsed_->crt.pk;
  if (!mbedtls_pk_can_do(&pk, MBEDTLS_PK_ECKEY)) {
    return Error(format("certificate '%s' has a %s key, not an EC key", parsed_->subject.c_str(),
                        mbedtls_pk_get_name(&pk)));
  }
  const mbedtls_ecp_keypair *keypair = mbedtls_pk_ec(pk);
  EcCurve curve = TRY(curve_of(keypair->grp.id));
  Bytes point(1 + 2 * ec_field_size(curve));
  size_t written = 0;
  int rc = mbedtls_ecp_point_write_binary(&keypair->grp, &keypair->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &written,
                                          point.data(), point.size());
  if (rc != 0 || written != point.size()) return mbedtls_error("X.509 certificate: EC public key", rc);
  return EcPublicKey::from_uncompressed(curve, point);
}

Result<RsaPublicKey> Certificate::rsa_public_key() const {
  const mbedtls_pk_context &pk = parsed_->crt.pk;
  if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_RSA) {
    return Error(format("certificate '%s' has a %s key, not an RSA key", parsed_->subject.c_str(),
                        mbedtls_pk_get_name(&pk)));
  }
  RsaParts parts;
  int rc = mbedtls_rsa_export(mbedtls_pk_rsa(pk), &parts.n, nullptr, nullptr, nullptr, &parts.e);
  if (rc != 0) return mbedtls_error("X.509 certificate: RSA public key", rc);
  RsaPublicKey key;
  key.modulus = TRY(mpi_bytes(parts.n));
  key.exponent = TRY(mpi_bytes(parts.e));
  return key;
}

ByteView Certificate::subject_public_key_info() const {
  return ByteView(parsed_->crt.pk_raw.p, parsed_->crt.pk_raw.len);
}
Sha256Digest Certificate::spki_sha256() const { return sha256(subject_public_key_info()); }
Sha384Digest Certificate::spki_sha384() const { return sha384(subject_public_key_info()); }

const std::vector<CertificateExtension> &Certificate::extensions() const { return parsed_->extensions; }

Result<ByteView> Certificate::extension(std::string_view oid) const {
  for (const CertificateExtension &extension : parsed_->extensions) {
    if (extension.oid == oid) return extension.value;
  }
  return Error(format("certificate '%s' has no extension %.*s", parsed_->subject.c_str(),
                      static_cast<int>(oid.size()), oid.data()));
}

Status Certificate::verify_signed_by(const Certificate &issuer) const {
  const mbedtls_x509_crt &crt = parsed_->crt;
  mbedtls_x509_crt &signer = issuer.parsed_->crt;
  const char *subject = parsed_->subject.c_str();
  if (crt.issuer_raw.len != signer.subject_raw.len ||
      memcmp(crt.issuer_raw.p, signer.subject_raw.p, crt.issuer_raw.len) != 0) {
    return Error(format("certificate '%s': issuer '%s' is not the subject '%s' of the signing certificate",
                        subject, parsed_->issuer.c_str(), issuer.subject().c_str()));
  }
  HashAlgorithm algorithm;
  switch (crt.sig_md) {
    case MBEDTLS_MD_SHA256:
      algorithm = HashAlgorithm::sha256;
      break;
    case MBEDTLS_MD_SHA384:
      algorithm = HashAlgorithm::sha384;
      break;
    case MBEDTLS_MD_SHA512:
      algorithm = HashAlgorithm::sha512;
      break;
    default:
      return Error(format("certificate '%s': signature hash is not SHA-256, SHA-384 or SHA-512", subject));
  }
  if (mbedtls_pk_get_type(&signer.pk) == MBEDTLS_PK_RSA && mbedtls_pk_get_bitlen(&signer.pk) < kMinRsaBits) {
    return Error(format("certificate '%s': signing RSA key has %zu bits, expected at least %zu", subject,
                        mbedtls_pk_get_bitlen(&signer.pk), kMinRsaBits));
  }
  Bytes digest = hash(algorithm, ByteView(crt.tbs.p, crt.tbs.len));
  int rc = mbedtls_pk_verify_ext(crt.sig_pk, crt.sig_opts, &signer.pk, crt.sig_md, digest.data(),
                                 digest.size(), crt.sig.p, crt.sig.len);
  if (rc != 0) {
    return mbedtls_error(format("certificate '%s': signature does not verify with the key of '%s'", subject,
                                issuer.subject().c_str())
                             .c_str(),
                         rc);
  }
  return {};
}

}  // namespace bp
