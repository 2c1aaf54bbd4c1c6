// PEM certificate files: bundles, tolerated layout, and malformed input.
#include <string>

#include "lib/core/file_io.h"
#include "lib/crypto/pem.h"
#include "lib/crypto/x509.h"
#include "tests/unit/test_support.h"

namespace {

std::string milan_pem() { return ASSERT_OK(bp::read_text_file("tests/data/snp/ask_ark_milan.pem", 1 << 20)); }

// The body lines of the first certificate block.
std::string first_body(const std::string &pem) {
  size_t start = pem.find('\n') + 1;
  return pem.substr(start, pem.find("-----END") - start);
}

void test_bundle(void **) {
  std::string pem = milan_pem();
  std::vector<bp::Bytes> ders = ASSERT_OK(bp::pem_decode_certificates(pem));
  assert_int_equal(ders.size(), 2);
  // Comments, blank lines and CRLF line ends around and inside blocks are fine.
  std::string crlf;
  for (char c : pem) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  std::string decorated = "# AMD Milan chain\n\n" + crlf + "\ntrailing words\n";
  std::vector<bp::Bytes> again = ASSERT_OK(bp::pem_decode_certificates(decorated));
  assert_int_equal(again.size(), 2);
  assert_true(again[0] == ders[0] && again[1] == ders[1]);
  // A single certificate.
  std::string single = pem.substr(0, pem.find("-----END CERTIFICATE-----") + 25);
  std::vector<bp::Certificate> one = ASSERT_OK(bp::Certificate::parse_pem(single));
  assert_int_equal(one.size(), 1);
  assert_true(one[0].der() == bp::ByteView(ders[0]));
}

void test_malformed(void **) {
  std::string pem = milan_pem();
  std::string body = first_body(pem);
  ASSERT_ERROR_CONTAINS(bp::pem_decode_certificates(""), "no CERTIFICATE block");
  ASSERT_ERROR_CONTAINS(bp::pem_decode_certificates("just text\n"), "no CERTIFICATE block");
  ASSERT_ERROR_CONTAINS(bp::pem_decode_certificates("-----BEGIN CERTIFICATE-----\n" + body),
                        "has no END line");
  ASSERT_ERROR_CONTAINS(
      bp::pem_decode_certificates("-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\n"),
      "is 'PRIVATE KEY', expected CERTIFICATE");
  ASSERT_ERROR_CONTAINS(
      bp::pem_decode_certificates("-----BEGIN CERTIFICATE\n" + body + "-----END CERTIFICATE-----"),
      "malformed BEGIN line");
  ASSERT_ERROR_CONTAINS(
      bp::pem_decode_certificates("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), "is empty");
  // RFC 1421 headers are not part of RFC 7468 certificates.
  ASSERT_ERROR_CONTAINS(bp::pem_decode_certificates("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n" +
                                                    body + "-----END CERTIFICATE-----\n"),
                        "PEM: certificate block at offset 0: base64");
  // A missing END followed by the next block.
  std::string run_on = pem;
  run_on.erase(run_on.find("-----END CERTIFICATE-----"), 25);
  ASSERT_ERROR_CONTAINS(bp::pem_decode_certificates(run_on), "certificate block at offset 0");
  // One character lost from the base64 (length no longer a multiple of 4).
  std::string short_body = pem;
  short_body.erase(100, 1);
  ASSERT_ERROR_CONTAINS(bp::pem_decode_certificates(short_body), "certificate block at offset 0");
  // Valid base64 of something that is not a certificate.
  ASSERT_ERROR_CONTAINS(
      bp::Certificate::parse_pem("-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n"),
      "PEM certificate 1: X.509 certificate");
  // The second certificate damaged: its number is in the error.
  std::string second_bad = pem;
  size_t second = second_bad.find("-----BEGIN CERTIFICATE-----", 10) + 28;
  second_bad[second + 10] = second_bad[second + 10] == 'A' ? 'B' : 'A';
  auto result = bp::Certificate::parse_pem(second_bad);
  if (result.ok()) {
    // The change may land in a byte the parser accepts; then the signature
    // no longer verifies.
    assert_int_equal(result.value().size(), 2);
    assert_false(result.value()[1].verify_signed_by(result.value()[1]).ok());
  } else {
    ASSERT_ERROR_CONTAINS(std::move(result), "PEM certificate 2");
  }
  // Every truncation of the file fails or yields only whole certificates.
  for (size_t n = 0; n < pem.size(); n += 3) {
    auto partial = bp::Certificate::parse_pem(pem.substr(0, n));
    if (partial.ok()) assert_true(partial.value().size() == 1 || partial.value().size() == 2);
  }
}

}  // namespace

RUN_TESTS("crypto/pem", cmocka_unit_test(test_bundle), cmocka_unit_test(test_malformed))
