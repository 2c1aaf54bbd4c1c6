// One DER certificate (Certificate::parse_der), then every accessor, the raw
// extensions, the public key export and a signature check against itself
// (self-signed seeds, such as AMD's ARK, verify). An accepted certificate
// keeps its views inside the input.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/x509.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

bool inside(bp::ByteView part, bp::ByteView whole) {
  return part.empty() || (part.begin() >= whole.begin() && part.end() <= whole.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto parsed = bp::Certificate::parse_der(input);
  if (!parsed.ok()) return 0;
  const bp::Certificate &certificate = parsed.value();

  FUZZ_CHECK(certificate.der() == input);
  FUZZ_CHECK(inside(certificate.serial(), certificate.der()));
  FUZZ_CHECK(inside(certificate.subject_public_key_info(), certificate.der()));
  (void)certificate.subject().size();
  (void)certificate.issuer().size();
  (void)certificate.is_ca();
  int64_t not_before = certificate.not_before();
  int64_t not_after = certificate.not_after();
  FUZZ_CHECK(!certificate.check_validity(not_before - 1).ok());
  FUZZ_CHECK(!certificate.check_validity(not_after + 1).ok());
  FUZZ_CHECK(certificate.check_validity(not_before).ok() == (not_before <= not_after));

  if (certificate.public_key_type() == bp::PublicKeyType::ec) {
    auto key = certificate.ec_public_key();
    if (key.ok()) FUZZ_CHECK(key.value().uncompressed().size() == 1 + 2 * ec_field_size(key.value().curve()));
    FUZZ_CHECK(!certificate.rsa_public_key().ok());
  } else {
    auto key = certificate.rsa_public_key();
    if (key.ok()) FUZZ_CHECK(key.value().modulus.empty() || key.value().modulus[0] != 0);
    FUZZ_CHECK(!certificate.ec_public_key().ok());
  }
  (void)certificate.public_key_bits();
  (void)certificate.spki_sha256();
  (void)certificate.spki_sha384();

  for (const bp::CertificateExtension &extension : certificate.extensions()) {
    FUZZ_CHECK(!extension.oid.empty());
    FUZZ_CHECK(inside(extension.value, certificate.der()));
    auto found = certificate.extension(extension.oid);
    FUZZ_CHECK(found.ok() && found.value().data() == extension.value.data());
  }
  FUZZ_CHECK(!certificate.extension("0.0").ok() || !certificate.extensions().empty());
  (void)certificate.verify_signed_by(certificate);
  return 0;
}
