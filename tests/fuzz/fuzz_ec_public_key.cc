// EC public key import, as a peer key arrives in a JWK (coordinates) or a
// certificate/report (uncompressed point), then an ECDSA verification with
// fuzzed digest, r and s. Input layout:
//   curve (1 byte, mod 3), form (1 byte: even = uncompressed, odd =
//   coordinates), point length (1 byte) + point (for coordinates: x || y,
//   split in the middle), digest length (1) + digest, r length (1) + r, s (rest).
// An accepted key is on its curve, and both forms of it import again.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/ec.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::FuzzInput input(data, size);
  static constexpr bp::EcCurve kCurves[] = {bp::EcCurve::p256, bp::EcCurve::p384, bp::EcCurve::p521};
  bp::EcCurve curve = kCurves[input.u8() % 3];
  bool coordinates = input.u8() & 1;
  bp::ByteView point = input.short_field();
  bp::ByteView digest = input.short_field();
  bp::ByteView r = input.short_field();
  bp::ByteView s = input.rest();

  auto key = coordinates ? bp::EcPublicKey::from_coordinates(curve, point.subview(0, point.size() / 2),
                                                             point.subview(point.size() / 2))
                         : bp::EcPublicKey::from_uncompressed(curve, point);
  if (!key.ok()) return 0;
  const bp::EcPublicKey &public_key = key.value();
  size_t field = bp::ec_field_size(curve);
  FUZZ_CHECK(public_key.curve() == curve);
  FUZZ_CHECK(public_key.uncompressed().size() == 1 + 2 * field && public_key.uncompressed()[0] == 0x04);
  FUZZ_CHECK(public_key.x().size() == field && public_key.y().size() == field);
  auto again = bp::EcPublicKey::from_coordinates(curve, public_key.x(), public_key.y());
  FUZZ_CHECK(again.ok() && again.value().uncompressed() == public_key.uncompressed());
  FUZZ_CHECK(bp::EcPublicKey::from_uncompressed(curve, public_key.uncompressed()).ok());

  (void)public_key.verify_digest(digest, r, s);
  return 0;
}
