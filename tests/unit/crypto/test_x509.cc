// X.509 over real AMD SEV-SNP data (tests/data/snp: AMD's Milan and Genoa
// ASK+ARK chains from KDS, and the VCEK and report of a Milan machine):
// RSASSA-PSS chain signatures, VCEK fields and AMD extensions, the report's
// ECDSA P-384 signature, and rejection of tampered or malformed input.
#include <algorithm>
#include <string>
#include <vector>

#include "lib/core/file_io.h"
#include "lib/crypto/x509.h"
#include "tests/unit/test_support.h"

namespace {

constexpr char kDir[] = "tests/data/snp/";

bp::Bytes read(const char *name) { return ASSERT_OK(bp::read_file(std::string(kDir) + name, 1 << 20)); }

std::vector<bp::Certificate> chain(const char *name) {
  bp::Bytes pem = read(name);
  std::vector<bp::Certificate> certificates =
      ASSERT_OK(bp::Certificate::parse_pem(bp::ByteView(pem).as_string_view()));
  assert_int_equal(certificates.size(), 2);
  return certificates;
}

const char kAmdDn[] = "OU=Engineering, C=US, L=Santa Clara, ST=CA, O=Advanced Micro Devices, CN=";

// 2025-06-01T00:00:00Z: inside every validity period here.
constexpr int64_t kNow = 1748736000;

void test_milan_chain(void **) {
  std::vector<bp::Certificate> certs = chain("ask_ark_milan.pem");
  const bp::Certificate &ask = certs[0];
  const bp::Certificate &ark = certs[1];
  assert_string_equal(ask.subject().c_str(), (std::string(kAmdDn) + "SEV-Milan").c_str());
  assert_string_equal(ask.issuer().c_str(), (std::string(kAmdDn) + "ARK-Milan").c_str());
  assert_string_equal(ark.subject().c_str(), ark.issuer().c_str());
  ASSERT_BYTES_EQUAL(ask.serial(), "010001");
  ASSERT_BYTES_EQUAL(ark.serial(), "010000");
  assert_true(ask.is_ca());
  assert_true(ark.is_ca());
  // The ARK pin of docs/reference: SHA-256 over the whole DER certificate.
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(ark.der())),
                     "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd");
  ASSERT_BYTES_EQUAL(bp::view(ark.spki_sha256()),
                     "9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9");
  ASSERT_BYTES_EQUAL(
      bp::view(ark.spki_sha384()),
      "1249f67f15cf229a4069195e1a9ce537d1765ef706a1f4a123c36be9518786515d25ecc007f366b564d2b3f31c48082e");
  ASSERT_BYTES_EQUAL(bp::view(ask.spki_sha256()),
                     "42491669ccb851d627ea9846cd24eccbeb7de7c2a62740120fff88001d38ebb6");
  // 2020-10-22 .. 2045-10-22.
  assert_int_equal(ark.not_before(), 1603387385);
  assert_int_equal(ark.not_after(), 2392305785);
  assert_int_equal(ask.not_before(), 1603391060);
  assert_int_equal(ask.not_after(), 2392309460);
  ASSERT_OK(ark.check_validity(kNow));

  assert_true(ark.public_key_type() == bp::PublicKeyType::rsa);
  assert_int_equal(ark.public_key_bits(), 4096);
  bp::RsaPublicKey rsa = ASSERT_OK(ark.rsa_public_key());
  assert_int_equal(rsa.modulus.size(), 512);
  ASSERT_BYTES_EQUAL(rsa.exponent, "010001");
  ASSERT_ERROR_CONTAINS(ark.ec_public_key(), "not an EC key");

  // RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48.
  ASSERT_OK(ask.verify_signed_by(ark));
  ASSERT_OK(ark.verify_signed_by(ark));
  // An ARK did not sign itself with the ASK's key (and the names differ).
  ASSERT_ERROR_CONTAINS(ark.verify_signed_by(ask), "is not the subject");
}

void test_genoa_chain(void **) {
  std::vector<bp::Certificate> certs = chain("ask_ark_genoa.pem");
  assert_string_equal(certs[0].subject().c_str(), (std::string(kAmdDn) + "SEV-Genoa").c_str());
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(certs[1].der())),
                     "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1");
  ASSERT_OK(certs[0].verify_signed_by(certs[1]));
  ASSERT_OK(certs[1].verify_signed_by(certs[1]));
}

// Milan's ASK under Genoa's ARK, and the reverse: refused by name and by key.
void test_wrong_product(void **) {
  std::vector<bp::Certificate> milan = chain("ask_ark_milan.pem");
  std::vector<bp::Certificate> genoa = chain("ask_ark_genoa.pem");
  std::string expected = "issuer '" + std::string(kAmdDn) + "ARK-Milan' is not";
  const char *text = expected.c_str();
  ASSERT_ERROR_CONTAINS(milan[0].verify_signed_by(genoa[1]), text);
  ASSERT_ERROR_CONTAINS(genoa[0].verify_signed_by(milan[1]), "is not the subject");
  ASSERT_ERROR_CONTAINS(genoa[1].verify_signed_by(milan[1]), "is not the subject");
}

void test_vcek(void **) {
  bp::Bytes der = read("milan-v2-debug.vcek.der");
  bp::Certificate vcek = ASSERT_OK(bp::Certificate::parse_der(der));
  assert_true(vcek.der() == bp::ByteView(der));
  assert_string_equal(vcek.subject().c_str(), (std::string(kAmdDn) + "SEV-VCEK").c_str());
  assert_string_equal(vcek.issuer().c_str(), (std::string(kAmdDn) + "SEV-Milan").c_str());
  ASSERT_BYTES_EQUAL(vcek.serial(), "00");  // every VCEK has serial number 0
  assert_false(vcek.is_ca());
  // 2022-09-24T00:55:28Z .. 2029-09-24T00:55:28Z.
  assert_int_equal(vcek.not_before(), 1663980928);
  assert_int_equal(vcek.not_after(), 1884905728);
  ASSERT_OK(vcek.check_validity(kNow));
  ASSERT_OK(vcek.check_validity(1663980928));
  ASSERT_OK(vcek.check_validity(1884905728));
  ASSERT_ERROR_CONTAINS(vcek.check_validity(1663980927), "is not valid before 2022-09-24T00:55:28Z");
  ASSERT_ERROR_CONTAINS(vcek.check_validity(1884905729), "expired at 2029-09-24T00:55:28Z");

  assert_true(vcek.public_key_type() == bp::PublicKeyType::ec);
  assert_int_equal(vcek.public_key_bits(), 384);
  bp::EcPublicKey key = ASSERT_OK(vcek.ec_public_key());
  assert_true(key.curve() == bp::EcCurve::p384);
  ASSERT_BYTES_EQUAL(
      key.x(),
      "48ec9f362eedee5ea1765939d30ac6c056c8219ade71c585d2e21f773cde430f30b20d6ab817df8e8de1d85cf293a385");
  ASSERT_BYTES_EQUAL(
      key.y(),
      "4f08609d7f00f4852ccd83882772abfe82ffcc70fa8a63fb94f532c840f2e7a835607cc725bf125b884ffec9044e3ef9");
  ASSERT_ERROR_CONTAINS(vcek.rsa_public_key(), "not an RSA key");
  ASSERT_BYTES_EQUAL(
      bp::view(vcek.spki_sha384()),
      "a96c5e3dc15acd9fa590c8891a73a625383c4c74a5174226311b7c8ee05abe56056392fa3f588e96327d7d180f2676f3");

  std::vector<bp::Certificate> milan = chain("ask_ark_milan.pem");
  std::vector<bp::Certificate> genoa = chain("ask_ark_genoa.pem");
  ASSERT_OK(vcek.verify_signed_by(milan[0]));
  ASSERT_ERROR_CONTAINS(vcek.verify_signed_by(genoa[0]), "is not the subject");
  ASSERT_ERROR_CONTAINS(vcek.verify_signed_by(milan[1]), "is not the subject");
}

// The AMD extensions (docs: reference/snp.md 2.2), in certificate order.
void test_vcek_extensions(void **) {
  bp::Certificate vcek = ASSERT_OK(bp::Certificate::parse_der(read("milan-v2-debug.vcek.der")));
  struct Expected {
    const char *oid;
    const char *value;
  };
  const Expected expected[] = {
      {"1.3.6.1.4.1.3704.1.1", "020100"},                // structVersion 0
      {"1.3.6.1.4.1.3704.1.2", "16084d696c616e2d4230"},  // productName IA5String "Milan-B0"
      {"1.3.6.1.4.1.3704.1.3.1", "020102"},              // blSPL 2
      {"1.3.6.1.4.1.3704.1.3.2", "020100"},              // teeSPL 0
      {"1.3.6.1.4.1.3704.1.3.4", "020100"},              // spl_4
      {"1.3.6.1.4.1.3704.1.3.5", "020100"},              // spl_5
      {"1.3.6.1.4.1.3704.1.3.6", "020100"},              // spl_6
      {"1.3.6.1.4.1.3704.1.3.7", "020100"},              // spl_7
      {"1.3.6.1.4.1.3704.1.3.3", "020105"},              // snpSPL 5
      {"1.3.6.1.4.1.3704.1.3.8", "020144"},              // ucodeSPL 68
      {"1.3.6.1.4.1.3704.1.4",                           // hwID: raw CHIP_ID
       "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdc"
       "e40c05f63c9b"
       "610c5068b006b5d"},
  };
  const std::vector<bp::CertificateExtension> &extensions = vcek.extensions();
  assert_int_equal(extensions.size(), sizeof expected / sizeof expected[0]);
  for (size_t i = 0; i < extensions.size(); ++i) {
    assert_string_equal(extensions[i].oid.c_str(), expected[i].oid);
    assert_false(extensions[i].critical);
    ASSERT_BYTES_EQUAL(extensions[i].value, expected[i].value);
  }
  ASSERT_BYTES_EQUAL(ASSERT_OK(vcek.extension("1.3.6.1.4.1.3704.1.3.8")), "020144");
  ASSERT_ERROR_CONTAINS(vcek.extension("1.3.6.1.4.1.3704.1.5"), "has no extension 1.3.6.1.4.1.3704.1.5");
  ASSERT_ERROR_CONTAINS(vcek.extension("1.3.6.1.4.1.3704.1"), "has no extension");

  // hwID is the report's CHIP_ID (offset 0x1A0, 64 bytes).
  bp::Bytes report = read("milan-v2-debug.bin");
  assert_true(ASSERT_OK(vcek.extension("1.3.6.1.4.1.3704.1.4")) == bp::ByteView(report).subview(0x1a0, 64));

  // The ASK has the standard extensions (which mbedtls also parses).
  std::vector<bp::Certificate> milan = chain("ask_ark_milan.pem");
  const bp::CertificateExtension &basic = milan[0].extensions()[2];
  assert_string_equal(basic.oid.c_str(), "2.5.29.19");  // basicConstraints, CA:TRUE, pathlen 0
  assert_true(basic.critical);
  ASSERT_BYTES_EQUAL(basic.value, "30060101ff020100");
}

// The report's ECDSA P-384/SHA-384 signature: r and s are 72-byte
// little-endian fields at 0x2A0 and 0x2E8 over the first 0x2A0 bytes.
void test_report_signature(void **) {
  bp::Certificate vcek = ASSERT_OK(bp::Certificate::parse_der(read("milan-v2-debug.vcek.der")));
  bp::EcPublicKey key = ASSERT_OK(vcek.ec_public_key());
  bp::Bytes report = read("milan-v2-debug.bin");
  assert_int_equal(report.size(), 1184);
  bp::Sha384Digest digest = bp::sha384(bp::ByteView(report).subview(0, 0x2a0));
  bp::Bytes r(report.begin() + 0x2a0, report.begin() + 0x2e8);
  bp::Bytes s(report.begin() + 0x2e8, report.begin() + 0x330);
  std::reverse(r.begin(), r.end());
  std::reverse(s.begin(), s.end());
  ASSERT_OK(key.verify_digest(bp::view(digest), r, s));
  report[0x50] ^= 1;  // a measurement bit
  digest = bp::sha384(bp::ByteView(report).subview(0, 0x2a0));
  ASSERT_ERROR_CONTAINS(key.verify_digest(bp::view(digest), r, s), "signature does not match");
}

// One flipped byte anywhere in a certificate: it either fails to parse or
// fails verification (some flips land in bytes that DER and mbedtls accept,
// for example inside a name, and only the signature catches them).
void test_flipped_bytes_rejected(void **) {
  std::vector<bp::Certificate> milan = chain("ask_ark_milan.pem");
  bp::Bytes der = read("milan-v2-debug.vcek.der");
  bp::Bytes ask = milan[0].der().to_bytes();
  size_t verified_failures = 0;
  for (bp::Bytes *cert : {&der, &ask}) {
    for (size_t i = 0; i < cert->size(); i += 5) {
      (*cert)[i] ^= 0x01;
      auto parsed = bp::Certificate::parse_der(*cert);
      if (parsed.ok()) {
        bp::Status status = parsed.value().verify_signed_by(cert == &der ? milan[0] : milan[1]);
        if (status.ok()) fail_msg("byte %zu flipped and the certificate still verifies", i);
        ++verified_failures;
      }
      (*cert)[i] ^= 0x01;
    }
  }
  assert_true(verified_failures > 100);  // most flips reach the signature check
  ASSERT_OK(bp::Certificate::parse_der(der).value().verify_signed_by(milan[0]));
}

void test_malformed_der(void **) {
  bp::Bytes der = read("milan-v2-debug.vcek.der");
  ASSERT_ERROR_CONTAINS(bp::Certificate::parse_der({}), "empty input");
  // Every truncation fails cleanly (ASan checks that none reads past it).
  for (size_t n = 1; n < der.size(); ++n) {
    auto result = bp::Certificate::parse_der(bp::ByteView(der).subview(0, n));
    if (result.ok()) fail_msg("truncated to %zu bytes and still parsed", n);
  }
  bp::Bytes trailing = der;
  trailing.push_back(0);
  ASSERT_ERROR_CONTAINS(bp::Certificate::parse_der(trailing), "1 trailing bytes after the certificate");
  ASSERT_ERROR_CONTAINS(bp::Certificate::parse_der(unhex("3003020100")), "X.509 certificate");
  ASSERT_ERROR_CONTAINS(bp::Certificate::parse_der(unhex("deadbeef")), "not a DER SEQUENCE");
  ASSERT_ERROR_CONTAINS(bp::Certificate::parse_der(unhex("3084ffffffff")), "not a DER SEQUENCE or truncated");
  bp::Bytes garbage(2000);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 131 + 17);
  assert_false(bp::Certificate::parse_der(garbage).ok());
  // A PEM file handed to the DER parser.
  assert_false(bp::Certificate::parse_der(read("ask_ark_milan.pem")).ok());
}

// Fixtures from tests/data/x509/make-test-certs.py (Python cryptography):
// ECDSA certificate signatures, an unknown extension, and the hash and key
// size policy of verify_signed_by.
bp::Certificate fixture(const char *name) {
  bp::Bytes der = ASSERT_OK(bp::read_file(std::string("tests/data/x509/") + name, 1 << 16));
  return ASSERT_OK(bp::Certificate::parse_der(der));
}

void test_ecdsa_fixtures(void **) {
  bp::Certificate ca = fixture("ec-ca.der");
  bp::Certificate leaf = fixture("ec-leaf.der");
  assert_string_equal(ca.subject().c_str(), "CN=bp test EC CA");
  assert_true(ca.is_ca());
  assert_true(ASSERT_OK(ca.ec_public_key()).curve() == bp::EcCurve::p256);
  assert_true(ASSERT_OK(leaf.ec_public_key()).curve() == bp::EcCurve::p384);
  assert_int_equal(leaf.not_before(), 1704067200);  // 2024-01-01T00:00:00Z
  assert_int_equal(leaf.not_after(), 2019686400);   // 2034-01-01T00:00:00Z
  ASSERT_OK(ca.verify_signed_by(ca));
  ASSERT_OK(leaf.verify_signed_by(ca));
  ASSERT_ERROR_CONTAINS(ca.verify_signed_by(leaf), "is not the subject");
  ASSERT_BYTES_EQUAL(ASSERT_OK(leaf.extension("1.3.6.1.4.1.55555.1")), "0403616263");
  // ECDSA with SHA-1 parses but is not accepted as a signature.
  bp::Certificate sha1 = fixture("ec-sha1-leaf.der");
  ASSERT_ERROR_CONTAINS(sha1.verify_signed_by(ca), "signature hash is not SHA-256, SHA-384 or SHA-512");
  // RSA keys under 2048 bits sign nothing.
  bp::Certificate small = fixture("rsa1024-ca.der");
  assert_int_equal(small.public_key_bits(), 1024);
  ASSERT_ERROR_CONTAINS(small.verify_signed_by(small),
                        "signing RSA key has 1024 bits, expected at least 2048");
}

}  // namespace

RUN_TESTS("crypto/x509", cmocka_unit_test(test_milan_chain), cmocka_unit_test(test_genoa_chain),
          cmocka_unit_test(test_wrong_product), cmocka_unit_test(test_vcek),
          cmocka_unit_test(test_vcek_extensions), cmocka_unit_test(test_report_signature),
          cmocka_unit_test(test_flipped_bytes_rejected), cmocka_unit_test(test_malformed_der),
          cmocka_unit_test(test_ecdsa_fixtures))
