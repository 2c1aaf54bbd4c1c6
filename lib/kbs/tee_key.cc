#include "lib/kbs/tee_key.h"

#include <string.h>

#include "lib/core/encoding.h"
#include "lib/json/json_builder.h"

namespace bp::kbs {

namespace {

// PKCS#8 PrivateKeyInfo for a P-256 key (RFC 5208, RFC 5915, RFC 5480): a
// fixed 138-byte DER layout, so it is written field by field rather than by
// a general encoder. The scalar and the public point are filled in.
//   SEQUENCE(135) { INTEGER 0,
//                   SEQUENCE(19) { OID id-ecPublicKey, OID prime256v1 },
//                   OCTET STRING(109) { SEQUENCE(107) { INTEGER 1, OCTET STRING(32) d,
//                                                       [1](68) { BIT STRING(66) 00 || point } } } }
constexpr uint8_t kPkcs8Head[] = {0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86,
                                  0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                  0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20};
constexpr uint8_t kPkcs8PointHead[] = {0xa1, 0x44, 0x03, 0x42, 0x00};
constexpr size_t kPkcs8Size = sizeof(kPkcs8Head) + 32 + sizeof(kPkcs8PointHead) + 65;
static_assert(kPkcs8Size == 138, "PKCS#8 P-256 layout");

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kPemBegin[] = "-----BEGIN PRIVATE KEY-----\n";
constexpr char kPemEnd[] = "-----END PRIVATE KEY-----\n";

// base64 with '=' padding, 64 characters a line (RFC 7468), straight into
// locked memory: the input is a private key.
size_t base64_lines(ByteView in, uint8_t *out) {
  size_t n = 0, column = 0;
  auto put = [&](char c) {
    out[n++] = static_cast<uint8_t>(c);
    if (++column == 64) {
      out[n++] = '\n';
      column = 0;
    }
  };
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint32_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= in[i + 2];
    put(kBase64[(v >> 18) & 63]);
    put(kBase64[(v >> 12) & 63]);
    put(i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=');
    put(i + 2 < in.size() ? kBase64[v & 63] : '=');
  }
  if (column != 0) out[n++] = '\n';
  return n;
}

}  // namespace

Result<TeeKey> TeeKey::generate(Random &random) {
  return TeeKey(TRY(EcPrivateKey::generate(EcCurve::p256, random)));
}

Result<TeeKey> TeeKey::from_scalar(ByteView d) {
  return TeeKey(TRY_CONTEXT(EcPrivateKey::from_scalar(EcCurve::p256, d), "TEE key"));
}

Result<Json> TeeKey::public_jwk() const {
  const EcPublicKey &pub = key_.public_key();
  JsonObjectBuilder jwk;
  jwk.add_string("kty", "EC")
      .add_string("crv", ec_curve_name(pub.curve()))
      .add_string("alg", kTeeKeyAlgorithm);
  jwk.add_string("x", base64url_encode(pub.x())).add_string("y", base64url_encode(pub.y()));
  return jwk.build();
}

Result<SecretBytes> TeeKey::private_key_pem() const {
  SecretBytes d = TRY(key_.export_scalar());
  ByteView point = key_.public_key().uncompressed();
  if (d.size() != 32 || point.size() != 65) return Error("TEE key: not a P-256 key");
  SecretBytes der = TRY(SecretBytes::allocate(kPkcs8Size));
  uint8_t *p = der.data();
  memcpy(p, kPkcs8Head, sizeof(kPkcs8Head));
  p += sizeof(kPkcs8Head);
  memcpy(p, d.view().data(), 32);
  p += 32;
  memcpy(p, kPkcs8PointHead, sizeof(kPkcs8PointHead));
  p += sizeof(kPkcs8PointHead);
  memcpy(p, point.data(), 65);

  size_t encoded = (kPkcs8Size + 2) / 3 * 4;
  size_t capacity = strlen(kPemBegin) + encoded + encoded / 64 + 1 + strlen(kPemEnd);
  SecretBytes buffer = TRY(SecretBytes::allocate(capacity));
  uint8_t *out = buffer.data();
  size_t n = strlen(kPemBegin);
  memcpy(out, kPemBegin, n);  // NOLINT(bugprone-not-null-terminated-result): PEM text, length-counted
  n += base64_lines(der.view(), out + n);
  memcpy(out + n, kPemEnd, strlen(kPemEnd));  // NOLINT(bugprone-not-null-terminated-result): as above
  n += strlen(kPemEnd);
  return SecretBytes::copy_of(ByteView(out, n));
}

}  // namespace bp::kbs
