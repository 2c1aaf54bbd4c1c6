#include "lib/crypto/x509_extensions.h"

#include <mbedtls/asn1.h>

#include "lib/core/format.h"
#include "lib/crypto/asn1_oid.h"

namespace bp {

namespace {

constexpr int kSequence = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
constexpr uint8_t kVersionTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0;
constexpr uint8_t kIssuerUidTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 1;
constexpr uint8_t kSubjectUidTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2;
constexpr uint8_t kExtensionsTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3;

// A cursor over DER; mbedtls' helpers check every length against `end`.
class DerCursor {
 public:
  DerCursor(const uint8_t *begin, const uint8_t *end)
      : p_(const_cast<unsigned char *>(begin)), end_(const_cast<unsigned char *>(end)) {}

  bool at_end() const { return p_ == end_; }
  bool peek(uint8_t tag) const { return p_ < end_ && *p_ == tag; }
  const uint8_t *position() const { return p_; }

  // Enters (or reads) an element with the given tag: returns its contents.
  Result<ByteView> take(int tag, const char *what) {
    size_t length = 0;
    if (mbedtls_asn1_get_tag(&p_, end_, &length, tag) != 0) {
      return Error(format("%s: malformed or missing (tag 0x%02x)", what, tag));
    }
    ByteView contents(p_, length);
    p_ += length;
    return contents;
  }

  // Skips one element of any single-byte tag.
  Status skip(const char *what) {
    if (p_ >= end_) return Error(format("%s: missing", what));
    if ((*p_ & MBEDTLS_ASN1_TAG_VALUE_MASK) == MBEDTLS_ASN1_TAG_VALUE_MASK) {
      return Error(format("%s: multi-byte tags are not used in certificates", what));
    }
    ++p_;
    size_t length = 0;
    if (mbedtls_asn1_get_len(&p_, end_, &length) != 0) return Error(format("%s: bad length", what));
    p_ += length;
    return {};
  }

 private:
  unsigned char *p_;
  unsigned char *end_;
};

Result<CertificateExtension> parse_extension(ByteView der) {
  DerCursor cursor(der.begin(), der.end());
  CertificateExtension extension;
  ByteView oid = TRY(cursor.take(MBEDTLS_ASN1_OID, "extension OID"));
  extension.oid = TRY_CONTEXT(oid_to_string(oid), "extension");
  if (cursor.peek(MBEDTLS_ASN1_BOOLEAN)) {
    ByteView critical = TRY(cursor.take(MBEDTLS_ASN1_BOOLEAN, "extension critical flag"));
    // DER: exactly one byte, 0x00 or 0xff; and FALSE, the default, is
    // not encoded at all.
    if (critical.size() != 1 || critical[0] != 0xff) {
      return Error(format("extension %s: critical flag is not DER TRUE", extension.oid.c_str()));
    }
    extension.critical = true;
  }
  extension.value = TRY(cursor.take(MBEDTLS_ASN1_OCTET_STRING, "extension value"));
  if (!cursor.at_end()) return Error(format("extension %s: trailing bytes", extension.oid.c_str()));
  return extension;
}

}  // namespace

Result<std::vector<CertificateExtension>> parse_certificate_extensions(ByteView tbs) {
  DerCursor outer(tbs.begin(), tbs.end());
  ByteView body = TRY(outer.take(kSequence, "TBSCertificate"));
  if (!outer.at_end()) return Error("TBSCertificate: trailing bytes");

  DerCursor cursor(body.begin(), body.end());
  if (cursor.peek(kVersionTag)) TRY(cursor.take(kVersionTag, "version"));
  for (const char *field :
       {"serialNumber", "signature", "issuer", "validity", "subject", "subjectPublicKeyInfo"}) {
    TRY(cursor.skip(field));
  }
  if (cursor.peek(kIssuerUidTag)) TRY(cursor.skip("issuerUniqueID"));
  if (cursor.peek(kSubjectUidTag)) TRY(cursor.skip("subjectUniqueID"));

  std::vector<CertificateExtension> extensions;
  if (cursor.peek(kExtensionsTag)) {
    ByteView wrapped = TRY(cursor.take(kExtensionsTag, "extensions"));
    DerCursor list_cursor(wrapped.begin(), wrapped.end());
    ByteView list = TRY(list_cursor.take(kSequence, "extensions"));
    if (!list_cursor.at_end()) return Error("extensions: trailing bytes");
    if (list.empty()) return Error("extensions: empty list (RFC 5280 requires at least one)");
    DerCursor items(list.begin(), list.end());
    while (!items.at_end()) {
      size_t offset = static_cast<size_t>(items.position() - tbs.begin());
      ByteView der = TRY(items.take(kSequence, "extension"));
      CertificateExtension extension =
          TRY_CONTEXT(parse_extension(der), format("extension at offset %zu", offset));
      for (const CertificateExtension &seen : extensions) {
        if (seen.oid == extension.oid)
          return Error(format("extension %s appears twice", extension.oid.c_str()));
      }
      extensions.push_back(std::move(extension));
    }
  }
  if (!cursor.at_end()) return Error("TBSCertificate: unexpected field after the extensions");
  return extensions;
}

}  // namespace bp
