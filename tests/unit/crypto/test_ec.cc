// Elliptic curves: RFC 5903 section 8 ECDH vectors (P-256, P-384, P-521),
// RFC 6979 A.2.5 / A.2.6 deterministic ECDSA (P-256/SHA-256 and
// P-384/SHA-384, messages "sample" and "test"), and rejection of invalid
// points, scalars and signatures.
#include <algorithm>
#include <string>

#include "lib/crypto/ec.h"
#include "lib/crypto/sha.h"
#include "tests/unit/test_support.h"

namespace {

using bp::EcCurve;

struct Rfc5903 {
  EcCurve curve;
  const char *i, *gix, *giy;
  const char *r, *grx, *gry;
  const char *girx;
};

const Rfc5903 kRfc5903[] = {
    {EcCurve::p256, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
     "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180",
     "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
     "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
     "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
     "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
     "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"},
    {EcCurve::p384,
     "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b538041e649ee3faef896783ab194",
     "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808acb4bdb4c88732aee95f41aa",
     "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
     "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942e0308312916b8ed2960e4bd55a7448fc",
     "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d0d1ac43a0336def96fda41d0774a3571",
     "dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
     "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d603135569b9e9d09cf5d4a270f59746"},
    {EcCurve::p521,
     "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c6771d937ba9777f5957b2"
     "639bab072462f68c27a57382d4a52",
     "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42e00b8e380aeae57c2d1075649418859"
     "42af5a7f4601723c4195d176ced3e",
     "017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10ad8a788015ac405d7799dc75e7b7d5b6cf2261a6"
     "a7f1507438bf01beb6ca3926f9582",
     "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e9c677d600b343757a3bdbf2a3163e4c2f869cca"
     "7458aa4a4effc311f5cb151685eb9",
     "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356436adc6e95bb0352f6be64a6c2912d4"
     "ef2d0433ced2b6171640012d9460f",
     "015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87220b6536c5c408a1d2aebb8e86d678ae49cb570"
     "91f4732296579ab44fcd17f0fc56a",
     "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa240a34786859810c06b3c715a"
     "3a8cc3151f2bee417996d19f3ddea"},
};

void test_rfc5903_ecdh(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  for (const Rfc5903 &v : kRfc5903) {
    bp::EcPrivateKey initiator = ASSERT_OK(bp::EcPrivateKey::from_scalar(v.curve, unhex(v.i)));
    bp::EcPrivateKey responder = ASSERT_OK(bp::EcPrivateKey::from_scalar(v.curve, unhex(v.r)));
    ASSERT_BYTES_EQUAL(initiator.public_key().x(), v.gix);
    ASSERT_BYTES_EQUAL(initiator.public_key().y(), v.giy);
    ASSERT_BYTES_EQUAL(responder.public_key().x(), v.grx);
    ASSERT_BYTES_EQUAL(responder.public_key().y(), v.gry);
    // The peer's key as it arrives over the wire (JWK coordinates).
    bp::EcPublicKey peer = ASSERT_OK(bp::EcPublicKey::from_coordinates(v.curve, unhex(v.grx), unhex(v.gry)));
    bp::SecretBytes z1 = ASSERT_OK(initiator.ecdh(peer, random));
    bp::SecretBytes z2 = ASSERT_OK(responder.ecdh(initiator.public_key(), random));
    ASSERT_BYTES_EQUAL(z1.view(), v.girx);
    ASSERT_BYTES_EQUAL(z2.view(), v.girx);
    bp::SecretBytes scalar = ASSERT_OK(initiator.export_scalar());
    ASSERT_BYTES_EQUAL(scalar.view(), v.i);
  }
}

struct Rfc6979 {
  EcCurve curve;
  bp::HashAlgorithm hash;
  const char *d, *ux, *uy;
  const char *message;
  const char *r, *s;
};

const char kP256D[] = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const char kP256Ux[] = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
const char kP256Uy[] = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
const char kP384D[] =
    "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5";
const char kP384Ux[] =
    "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13";
const char kP384Uy[] =
    "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720";

const Rfc6979 kRfc6979[] = {
    {EcCurve::p256, bp::HashAlgorithm::sha256, kP256D, kP256Ux, kP256Uy, "sample",
     "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
     "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"},
    {EcCurve::p256, bp::HashAlgorithm::sha256, kP256D, kP256Ux, kP256Uy, "test",
     "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
     "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"},
    {EcCurve::p384, bp::HashAlgorithm::sha384, kP384D, kP384Ux, kP384Uy, "sample",
     "94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46",
     "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8"},
    {EcCurve::p384, bp::HashAlgorithm::sha384, kP384D, kP384Ux, kP384Uy, "test",
     "8203b63d3c853e8d77227fb377bcf7b7b772e97892a80f36ab775d509d7a5feb0542a7f0812998da8f1dd3ca3cf023db",
     "ddd0760448d42d8a43af45af836fce4de8be06b485e9b61b827c2f13173923e06a739f040649a667bf3b828246baa5a5"},
};

void test_rfc6979_ecdsa(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  for (const Rfc6979 &v : kRfc6979) {
    bp::EcPrivateKey key = ASSERT_OK(bp::EcPrivateKey::from_scalar(v.curve, unhex(v.d)));
    ASSERT_BYTES_EQUAL(key.public_key().x(), v.ux);
    ASSERT_BYTES_EQUAL(key.public_key().y(), v.uy);
    bp::Bytes digest = bp::hash(v.hash, bp::ByteView::of_string(v.message));
    bp::EcdsaSignature signature = ASSERT_OK(key.sign_digest(v.hash, digest, random));
    ASSERT_BYTES_EQUAL(signature.r, v.r);
    ASSERT_BYTES_EQUAL(signature.s, v.s);
    ASSERT_BYTES_EQUAL(signature.raw(), std::string(v.r) + v.s);
    bp::EcPublicKey public_key =
        ASSERT_OK(bp::EcPublicKey::from_coordinates(v.curve, unhex(v.ux), unhex(v.uy)));
    ASSERT_OK(public_key.verify_digest(digest, unhex(v.r), unhex(v.s)));
    // A changed digest, r or s fails.
    bp::Bytes bad = digest;
    bad[0] ^= 1;
    ASSERT_ERROR_CONTAINS(public_key.verify_digest(bad, unhex(v.r), unhex(v.s)), "signature does not match");
    bad = unhex(v.r);
    bad.back() ^= 1;
    ASSERT_ERROR_CONTAINS(public_key.verify_digest(digest, bad, unhex(v.s)), "signature does not match");
    bad = unhex(v.s);
    bad[5] ^= 0x40;
    ASSERT_ERROR_CONTAINS(public_key.verify_digest(digest, unhex(v.r), bad), "signature does not match");
  }
}

// r and s as an SNP report stores them: 72-byte little-endian fields. The
// caller reverses them; the zero padding becomes leading zeros.
void test_verify_padded_integers(void **) {
  const Rfc6979 &v = kRfc6979[2];
  bp::EcPublicKey key = ASSERT_OK(bp::EcPublicKey::from_coordinates(v.curve, unhex(v.ux), unhex(v.uy)));
  bp::Bytes digest = bp::hash(v.hash, bp::ByteView::of_string(v.message));
  bp::Bytes r_le = unhex(v.r), s_le = unhex(v.s);
  std::reverse(r_le.begin(), r_le.end());
  std::reverse(s_le.begin(), s_le.end());
  r_le.resize(72, 0);
  s_le.resize(72, 0);
  bp::Bytes r_be(r_le.rbegin(), r_le.rend()), s_be(s_le.rbegin(), s_le.rend());
  ASSERT_OK(key.verify_digest(digest, r_be, s_be));
  // Read without reversing, the same bytes are a different (wrong) integer.
  ASSERT_ERROR_CONTAINS(key.verify_digest(digest, r_le, s_le), "verify");
  r_be.insert(r_be.begin(), 0);
  ASSERT_ERROR_CONTAINS(key.verify_digest(digest, r_be, s_be),
                        "r and s have 73 and 72 bytes, expected 1 to 72");
}

void test_rejects_out_of_range_signatures(void **) {
  const Rfc6979 &v = kRfc6979[0];
  bp::EcPublicKey key = ASSERT_OK(bp::EcPublicKey::from_coordinates(v.curve, unhex(v.ux), unhex(v.uy)));
  bp::Bytes digest = bp::hash(v.hash, bp::ByteView::of_string(v.message));
  // The order n of P-256, and zero.
  bp::Bytes n = unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  bp::Bytes zero(32, 0);
  ASSERT_ERROR_CONTAINS(key.verify_digest(digest, zero, unhex(v.s)), "verify");
  ASSERT_ERROR_CONTAINS(key.verify_digest(digest, unhex(v.r), zero), "verify");
  ASSERT_ERROR_CONTAINS(key.verify_digest(digest, n, unhex(v.s)), "verify");
  ASSERT_ERROR_CONTAINS(key.verify_digest(digest, {}, unhex(v.s)), "r and s have 0 and 32 bytes");
  ASSERT_ERROR_CONTAINS(key.verify_digest({}, unhex(v.r), unhex(v.s)), "empty digest");
}

void test_rejects_invalid_points(void **) {
  bp::Bytes x = unhex(kP256Ux), y = unhex(kP256Uy);
  ASSERT_OK(bp::EcPublicKey::from_coordinates(EcCurve::p256, x, y));
  bp::Bytes off_curve = y;
  off_curve.back() ^= 1;
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_coordinates(EcCurve::p256, x, off_curve),
                        "not a point on the curve");
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_coordinates(EcCurve::p256, bp::Bytes(32, 0), bp::Bytes(32, 0)),
                        "not a point on the curve");
  // Coordinates at or above the field prime p are not field elements.
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_coordinates(EcCurve::p256, bp::Bytes(32, 0xff), y),
                        "not a point on the curve");
  // A P-256 point is not a P-384 point (wrong lengths), and lengths are fixed.
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_coordinates(EcCurve::p384, x, y),
                        "coordinates of 32 and 32 bytes, expected 48 each");
  bp::Bytes short_x(x.begin() + 1, x.end());
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_coordinates(EcCurve::p256, short_x, y), "31 and 32 bytes");
  bp::Bytes point = unhex((std::string("04") + kP256Ux + kP256Uy).c_str());
  bp::EcPublicKey key = ASSERT_OK(bp::EcPublicKey::from_uncompressed(EcCurve::p256, point));
  assert_true(key.uncompressed() == bp::ByteView(point));
  point[0] = 0x02;
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_uncompressed(EcCurve::p256, point), "first byte 0x02");
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_uncompressed(EcCurve::p256, bp::ByteView(point).subview(0, 33)),
                        "33 bytes, expected 65");
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_uncompressed(EcCurve::p256, {}), "0 bytes, expected 65");
  // The point at infinity has no uncompressed encoding but 0x00.
  ASSERT_ERROR_CONTAINS(bp::EcPublicKey::from_uncompressed(EcCurve::p256, unhex("00")), "1 bytes");
}

void test_ecdh_rejects_other_curve(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::EcPrivateKey p256 = ASSERT_OK(bp::EcPrivateKey::generate(EcCurve::p256, random));
  bp::EcPrivateKey p384 = ASSERT_OK(bp::EcPrivateKey::generate(EcCurve::p384, random));
  ASSERT_ERROR_CONTAINS(p256.ecdh(p384.public_key(), random), "ecdh P-256: peer key is on P-384");
}

void test_rejects_invalid_scalars(void **) {
  ASSERT_ERROR_CONTAINS(bp::EcPrivateKey::from_scalar(EcCurve::p256, bp::Bytes(32, 0)), "out of range");
  ASSERT_ERROR_CONTAINS(
      bp::EcPrivateKey::from_scalar(
          EcCurve::p256, unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")),
      "out of range");
  ASSERT_ERROR_CONTAINS(bp::EcPrivateKey::from_scalar(EcCurve::p384, unhex(kP256D)), "32 bytes, expected 48");
  ASSERT_ERROR_CONTAINS(bp::EcPrivateKey::from_scalar(EcCurve::p256, {}), "0 bytes, expected 32");
  // n - 1 is the largest valid scalar.
  ASSERT_OK(bp::EcPrivateKey::from_scalar(
      EcCurve::p256, unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550")));
}

void test_generated_keys(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  for (EcCurve curve : {EcCurve::p256, EcCurve::p384, EcCurve::p521}) {
    bp::EcPrivateKey a = ASSERT_OK(bp::EcPrivateKey::generate(curve, random));
    bp::EcPrivateKey b = ASSERT_OK(bp::EcPrivateKey::generate(curve, random));
    assert_int_equal(a.public_key().x().size(), bp::ec_field_size(curve));
    assert_int_equal(a.public_key().uncompressed().size(), 1 + 2 * bp::ec_field_size(curve));
    assert_true(a.public_key().uncompressed() != b.public_key().uncompressed());
    bp::SecretBytes z1 = ASSERT_OK(a.ecdh(b.public_key(), random));
    bp::SecretBytes z2 = ASSERT_OK(b.ecdh(a.public_key(), random));
    assert_int_equal(z1.size(), bp::ec_field_size(curve));
    assert_true(z1.view() == z2.view());
    // Exported and re-imported, the key is the same key.
    bp::SecretBytes d = ASSERT_OK(a.export_scalar());
    bp::EcPrivateKey again = ASSERT_OK(bp::EcPrivateKey::from_scalar(curve, d.view()));
    assert_true(again.public_key().uncompressed() == a.public_key().uncompressed());
    bp::Bytes digest = bp::hash(bp::HashAlgorithm::sha512, bp::ByteView::of_string("message"));
    bp::EcdsaSignature signature = ASSERT_OK(a.sign_digest(bp::HashAlgorithm::sha512, digest, random));
    ASSERT_OK(a.public_key().verify_digest(digest, signature.r, signature.s));
    ASSERT_ERROR_CONTAINS(b.public_key().verify_digest(digest, signature.r, signature.s), "does not match");
    ASSERT_ERROR_CONTAINS(a.sign_digest(bp::HashAlgorithm::sha256, digest, random),
                          "digest has 64 bytes, expected 32 for sha256");
  }
}

void test_curve_names(void **) {
  assert_true(ASSERT_OK(bp::parse_ec_curve_name("P-256")) == EcCurve::p256);
  assert_true(ASSERT_OK(bp::parse_ec_curve_name("P-384")) == EcCurve::p384);
  assert_true(ASSERT_OK(bp::parse_ec_curve_name("P-521")) == EcCurve::p521);
  assert_string_equal(bp::ec_curve_name(EcCurve::p384), "P-384");
  ASSERT_ERROR_CONTAINS(bp::parse_ec_curve_name("secp256k1"), "unsupported curve 'secp256k1'");
  ASSERT_ERROR_CONTAINS(bp::parse_ec_curve_name("p-256"), "unsupported curve");
}

}  // namespace

RUN_TESTS("crypto/ec", cmocka_unit_test(test_rfc5903_ecdh), cmocka_unit_test(test_rfc6979_ecdsa),
          cmocka_unit_test(test_verify_padded_integers),
          cmocka_unit_test(test_rejects_out_of_range_signatures),
          cmocka_unit_test(test_rejects_invalid_points), cmocka_unit_test(test_ecdh_rejects_other_curve),
          cmocka_unit_test(test_rejects_invalid_scalars), cmocka_unit_test(test_generated_keys),
          cmocka_unit_test(test_curve_names))
