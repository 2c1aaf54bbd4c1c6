// RFC 5869 appendix A test cases 1-4 and 7 (PRK and OKM), and range checks.
#include "lib/crypto/hkdf.h"
#include "tests/unit/test_support.h"

namespace {

using bp::HashAlgorithm;

bp::Bytes range(int first, int end) {
  bp::Bytes out;
  for (int i = first; i < end; ++i) out.push_back(static_cast<uint8_t>(i));
  return out;
}

struct Vector {
  HashAlgorithm algorithm;
  bp::Bytes ikm;
  bp::Bytes salt;
  bp::Bytes info;
  size_t length;
  const char *prk;
  const char *okm;
};

void test_rfc5869(void **) {
  const Vector vectors[] = {
      // A.1: basic SHA-256.
      {HashAlgorithm::sha256, bp::Bytes(22, 0x0b), range(0x00, 0x0d), range(0xf0, 0xfa), 42,
       "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      // A.2: SHA-256 with longer inputs and outputs.
      {HashAlgorithm::sha256, range(0x00, 0x50), range(0x60, 0xb0), range(0xb0, 0x100), 82,
       "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da327"
       "5600c2f0"
       "9b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      // A.3: SHA-256 with zero-length salt and info.
      {HashAlgorithm::sha256,
       bp::Bytes(22, 0x0b),
       {},
       {},
       42,
       "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
      // A.4: basic SHA-1.
      {HashAlgorithm::sha1, bp::Bytes(11, 0x0b), range(0x00, 0x0d), range(0xf0, 0xfa), 42,
       "9b6c18c432a7bf8f0e71c8eb88f4b30baa2ba243",
       "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896"},
      // A.7: SHA-1, salt not provided (defaults to HashLen zero bytes; an
      // empty salt is the same HMAC key).
      {HashAlgorithm::sha1,
       bp::Bytes(22, 0x0c),
       {},
       {},
       42,
       "2adccada18779e7c2077ad2eb19d3f3e731385dd",
       "2c91117204d745f3500d636a62f64f0ab3bae548aa53d423b0d1f27ebba6f5e5673a081d70cce7acfc48"},
  };
  for (const Vector &v : vectors) {
    bp::SecretBytes prk = ASSERT_OK(bp::hkdf_extract(v.algorithm, v.ikm, v.salt));
    ASSERT_BYTES_EQUAL(prk.view(), v.prk);
    bp::SecretBytes okm = ASSERT_OK(bp::hkdf_expand(v.algorithm, prk.view(), v.info, v.length));
    ASSERT_BYTES_EQUAL(okm.view(), v.okm);
    bp::SecretBytes direct = ASSERT_OK(bp::hkdf(v.algorithm, v.ikm, v.salt, v.info, v.length));
    ASSERT_BYTES_EQUAL(direct.view(), v.okm);
  }
  // The A.7 salt spelled out as HashLen zeros gives the same PRK.
  bp::SecretBytes prk =
      ASSERT_OK(bp::hkdf_extract(HashAlgorithm::sha1, bp::Bytes(22, 0x0c), bp::Bytes(20, 0)));
  ASSERT_BYTES_EQUAL(prk.view(), "2adccada18779e7c2077ad2eb19d3f3e731385dd");
}

void test_length_limits(void **) {
  bp::Bytes ikm(32, 0x42);
  // 255 * HashLen is the most HKDF can produce.
  constexpr size_t kMax = size_t{255} * 32;
  bp::SecretBytes longest = ASSERT_OK(bp::hkdf(HashAlgorithm::sha256, ikm, {}, {}, kMax));
  assert_int_equal(longest.size(), kMax);
  ASSERT_ERROR_CONTAINS(bp::hkdf(HashAlgorithm::sha256, ikm, {}, {}, kMax + 1), "out of range");
  ASSERT_ERROR_CONTAINS(bp::hkdf(HashAlgorithm::sha256, ikm, {}, {}, 0), "out of range");
  ASSERT_ERROR_CONTAINS(bp::hkdf_expand(HashAlgorithm::sha384, bp::Bytes(47, 1), {}, 16),
                        "PRK has 47 bytes, expected at least 48");
  // A prefix of a longer output is the shorter output.
  bp::SecretBytes short_okm = ASSERT_OK(bp::hkdf(HashAlgorithm::sha256, ikm, {}, {}, 40));
  assert_true(short_okm.view() == longest.view().subview(0, 40));
}

}  // namespace

RUN_TESTS("crypto/hkdf", cmocka_unit_test(test_rfc5869), cmocka_unit_test(test_length_limits))
