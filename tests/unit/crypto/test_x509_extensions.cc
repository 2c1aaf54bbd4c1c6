// The TBSCertificate extension walker and OID decoding on hand-built DER:
// structure rules, duplicates, truncation at every length.
#include <string>

#include "lib/crypto/asn1_oid.h"
#include "lib/crypto/x509_extensions.h"
#include "tests/unit/test_support.h"

namespace {

// DER TLV with a short or long-form length.
bp::Bytes tlv(uint8_t tag, const bp::Bytes &contents) {
  bp::Bytes out{tag};
  size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

bp::Bytes cat(std::initializer_list<bp::Bytes> parts) {
  bp::Bytes out;
  for (const bp::Bytes &p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// An extension: OID 1.2.3.<last>, optional critical flag, value bytes.
bp::Bytes extension(uint8_t last, const bp::Bytes &critical, const bp::Bytes &value) {
  return tlv(0x30, cat({tlv(0x06, {0x2a, 0x03, last}), critical, tlv(0x04, value)}));
}

// A TBSCertificate with placeholder fields and the given [3] contents.
bp::Bytes tbs(const bp::Bytes &after_fields) {
  bp::Bytes fields = cat({tlv(0xa0, tlv(0x02, {0x02})), tlv(0x02, {0x01}), tlv(0x30, {}), tlv(0x30, {}),
                          tlv(0x30, {}), tlv(0x30, {}), tlv(0x30, {})});
  return tlv(0x30, cat({fields, after_fields}));
}

bp::Bytes with_extensions(const bp::Bytes &list) { return tbs(tlv(0xa3, tlv(0x30, list))); }

const bp::Bytes kTrue = tlv(0x01, {0xff});

void test_walks_extensions(void **) {
  bp::Bytes der =
      with_extensions(cat({extension(4, {}, {0x02, 0x01, 0x05}), extension(5, kTrue, {0xaa, 0xbb})}));
  std::vector<bp::CertificateExtension> list = ASSERT_OK(bp::parse_certificate_extensions(der));
  assert_int_equal(list.size(), 2);
  assert_string_equal(list[0].oid.c_str(), "1.2.3.4");
  assert_false(list[0].critical);
  ASSERT_BYTES_EQUAL(list[0].value, "020105");
  assert_string_equal(list[1].oid.c_str(), "1.2.3.5");
  assert_true(list[1].critical);
  ASSERT_BYTES_EQUAL(list[1].value, "aabb");
  // Unique IDs before the extensions are skipped; no extensions is fine.
  bp::Bytes uids = tbs(
      cat({tlv(0x81, {0x00, 0x01}), tlv(0x82, {0x00, 0x02}), tlv(0xa3, tlv(0x30, extension(6, {}, {})))}));
  list = ASSERT_OK(bp::parse_certificate_extensions(uids));
  assert_int_equal(list.size(), 1);
  list = ASSERT_OK(bp::parse_certificate_extensions(tbs({})));
  assert_true(list.empty());
  // A long value (long-form lengths).
  list = ASSERT_OK(bp::parse_certificate_extensions(with_extensions(extension(7, {}, bp::Bytes(300, 0x5a)))));
  assert_int_equal(list[0].value.size(), 300);
}

void test_rejects_malformed(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions({}), "TBSCertificate");
  ASSERT_ERROR_CONTAINS(
      bp::parse_certificate_extensions(with_extensions(cat({extension(4, {}, {}), extension(4, kTrue, {})}))),
      "extension 1.2.3.4 appears twice");
  // DER encodes FALSE by omission and TRUE as 0xff only.
  ASSERT_ERROR_CONTAINS(
      bp::parse_certificate_extensions(with_extensions(extension(4, tlv(0x01, {0x00}), {}))),
      "critical flag is not DER TRUE");
  ASSERT_ERROR_CONTAINS(
      bp::parse_certificate_extensions(with_extensions(extension(4, tlv(0x01, {0x01}), {}))),
      "critical flag is not DER TRUE");
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(with_extensions({})), "empty list");
  // Value not an OCTET STRING; extra element inside an extension.
  bp::Bytes bad_value = tlv(0x30, cat({tlv(0x06, {0x2a, 0x03, 0x04}), tlv(0x03, {0x00})}));
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(with_extensions(bad_value)), "extension value");
  bp::Bytes extra = tlv(0x30, cat({tlv(0x06, {0x2a, 0x03, 0x04}), tlv(0x04, {}), tlv(0x05, {})}));
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(with_extensions(extra)), "trailing bytes");
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(cat({tbs({}), {0x00}})),
                        "TBSCertificate: trailing bytes");
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(tbs(tlv(0x05, {}))), "unexpected field");
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(tlv(0x30, tlv(0x02, {0x01}))), "signature: missing");
  ASSERT_ERROR_CONTAINS(bp::parse_certificate_extensions(tlv(0x30, {0x1f, 0x81, 0x01, 0x00})),
                        "serialNumber: multi-byte tags");
  // Every truncation of a valid TBSCertificate fails (no read past the end).
  bp::Bytes der = with_extensions(cat({extension(4, {}, {0x02, 0x01, 0x05}), extension(5, kTrue, {0xaa})}));
  for (size_t n = 0; n < der.size(); ++n) {
    assert_false(bp::parse_certificate_extensions(bp::ByteView(der).subview(0, n)).ok());
  }
  // A length that claims more than there is.
  bp::Bytes lying = der;
  lying[1] = static_cast<uint8_t>(lying[1] + 1);
  assert_false(bp::parse_certificate_extensions(lying).ok());
}

void test_oid_to_string(void **) {
  assert_string_equal(ASSERT_OK(bp::oid_to_string(unhex("2a864886f70d01010a"))).c_str(),
                      "1.2.840.113549.1.1.10");
  assert_string_equal(ASSERT_OK(bp::oid_to_string(unhex("2b060104019c78010308"))).c_str(),
                      "1.3.6.1.4.1.3704.1.3.8");
  assert_string_equal(ASSERT_OK(bp::oid_to_string(unhex("551d13"))).c_str(), "2.5.29.19");
  assert_string_equal(ASSERT_OK(bp::oid_to_string(unhex("00"))).c_str(), "0.0");
  assert_string_equal(ASSERT_OK(bp::oid_to_string(unhex("8837"))).c_str(), "2.999");
  assert_string_equal(ASSERT_OK(bp::oid_to_string(unhex("2a81ffffffffffffffff7f"))).c_str(),
                      "1.2.18446744073709551615");
  ASSERT_ERROR_CONTAINS(bp::oid_to_string({}), "empty");
  ASSERT_ERROR_CONTAINS(bp::oid_to_string(unhex("2a86")), "truncated last arc");
  ASSERT_ERROR_CONTAINS(bp::oid_to_string(unhex("2a8048")), "non-minimal arc encoding at offset 1");
  ASSERT_ERROR_CONTAINS(bp::oid_to_string(unhex("2a82ffffffffffffffff7f")), "wider than 64 bits");
}

}  // namespace

RUN_TESTS("crypto/x509_extensions", cmocka_unit_test(test_walks_extensions),
          cmocka_unit_test(test_rejects_malformed), cmocka_unit_test(test_oid_to_string))
