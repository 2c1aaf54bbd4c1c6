#include "lib/snp/vek_extensions.h"

#include "lib/core/byte_reader.h"
#include "lib/core/format.h"

namespace bp::snp {

namespace {

constexpr const char kStructVersion[] = "1.3.6.1.4.1.3704.1.1";
constexpr const char kProductName[] = "1.3.6.1.4.1.3704.1.2";
constexpr const char kBlSpl[] = "1.3.6.1.4.1.3704.1.3.1";
constexpr const char kTeeSpl[] = "1.3.6.1.4.1.3704.1.3.2";
constexpr const char kSnpSpl[] = "1.3.6.1.4.1.3704.1.3.3";
constexpr const char kUcodeSpl[] = "1.3.6.1.4.1.3704.1.3.8";
constexpr const char kFmcSpl[] = "1.3.6.1.4.1.3704.1.3.9";
constexpr const char kHwId[] = "1.3.6.1.4.1.3704.1.4";
constexpr const char kCspId[] = "1.3.6.1.4.1.3704.1.5";

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagIa5String = 0x16;

// The contents of the one DER element that makes up value, which must carry
// the expected tag.
Result<ByteView> single_element(ByteView value, uint8_t tag, const char *what) {
  ByteReader r(value);
  uint8_t got = TRY_CONTEXT(r.u8("tag"), what);
  if (got != tag) return Error(format("%s: DER tag 0x%02x, expected 0x%02x", what, got, tag));
  uint8_t first = TRY_CONTEXT(r.u8("length"), what);
  size_t length = first;
  if (first == 0x81) {
    length = TRY_CONTEXT(r.u8("length"), what);
    if (length < 0x80) return Error(format("%s: non-minimal DER length", what));
  } else if (first == 0x82) {
    length = TRY_CONTEXT(r.u16_be("length"), what);
    if (length < 0x100) return Error(format("%s: non-minimal DER length", what));
  } else if (first >= 0x80) {
    return Error(format("%s: unsupported DER length form 0x%02x", what, first));
  }
  ByteView contents = TRY_CONTEXT(r.bytes(length, "contents"), what);
  if (!r.at_end()) return Error(format("%s: %zu bytes after the DER element", what, r.remaining()));
  return contents;
}

Result<uint64_t> der_unsigned(ByteView value, const char *what) {
  ByteView c = TRY(single_element(value, kTagInteger, what));
  if (c.empty()) return Error(format("%s: empty INTEGER", what));
  if (c[0] & 0x80) return Error(format("%s: negative INTEGER", what));
  if (c.size() > 1 && c[0] == 0 && !(c[1] & 0x80)) return Error(format("%s: non-minimal INTEGER", what));
  if (c.size() > 9 || (c.size() == 9 && c[0] != 0))
    return Error(format("%s: INTEGER wider than 64 bits", what));
  uint64_t v = 0;
  for (uint8_t b : c) v = v << 8 | b;
  return v;
}

Result<std::string> der_ia5_string(ByteView value, const char *what) {
  ByteView c = TRY(single_element(value, kTagIa5String, what));
  for (uint8_t b : c) {
    if (b < 0x20 || b > 0x7e) return Error(format("%s: byte 0x%02x in an IA5String", what, b));
  }
  return std::string(c.as_string_view());
}

Result<uint8_t> spl(const Certificate &cert, const char *oid, const char *name) {
  ByteView value = TRY(cert.extension(oid));
  uint64_t v = TRY(der_unsigned(value, name));
  if (v > 0xff)
    return Error(format("%s %llu does not fit the TCB byte", name, static_cast<unsigned long long>(v)));
  return static_cast<uint8_t>(v);
}

bool has_extension(const Certificate &cert, const char *oid) {
  for (const CertificateExtension &e : cert.extensions()) {
    if (e.oid == oid) return true;
  }
  return false;
}

Result<VekExtensions> parse(const Certificate &cert) {
  VekExtensions x;
  x.struct_version = TRY(der_unsigned(TRY(cert.extension(kStructVersion)), "structVersion"));
  x.product_name = TRY(der_ia5_string(TRY(cert.extension(kProductName)), "productName"));
  x.spl.bootloader = TRY(spl(cert, kBlSpl, "blSPL"));
  x.spl.tee = TRY(spl(cert, kTeeSpl, "teeSPL"));
  x.spl.snp = TRY(spl(cert, kSnpSpl, "snpSPL"));
  x.spl.microcode = TRY(spl(cert, kUcodeSpl, "ucodeSPL"));
  if (has_extension(cert, kFmcSpl)) x.spl.fmc = TRY(spl(cert, kFmcSpl, "fmcSPL"));
  // hwID is the raw chip ID, without a DER wrapper inside the OCTET STRING.
  if (has_extension(cert, kHwId)) {
    ByteView hwid = TRY(cert.extension(kHwId));
    if (hwid.empty() || hwid.size() > 64)
      return Error(format("hwID: %zu bytes, expected 1..64", hwid.size()));
    x.hwid = hwid.to_bytes();
  }
  if (has_extension(cert, kCspId)) x.csp_id = TRY(der_ia5_string(TRY(cert.extension(kCspId)), "csp_id"));
  return x;
}

}  // namespace

Result<VekExtensions> parse_vek_extensions(const Certificate &certificate) {
  return TRY_CONTEXT(parse(certificate), "AMD extensions of '" + certificate.subject() + "'");
}

std::string product_name_family(const std::string &product_name) {
  return product_name.substr(0, product_name.find('-'));
}

}  // namespace bp::snp
