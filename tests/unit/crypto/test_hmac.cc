// RFC 4231 HMAC-SHA-256/384/512 test cases 1-7.
#include <string>

#include "lib/crypto/hmac.h"
#include "tests/unit/test_support.h"

namespace {

using bp::HashAlgorithm;

struct Vector {
  bp::Bytes key;
  bp::Bytes data;
  const char *sha256;
  const char *sha384;
  const char *sha512;
};

bp::Bytes repeat(uint8_t byte, size_t count) { return bp::Bytes(count, byte); }
bp::Bytes text(const char *s) { return bp::ByteView::of_string(s).to_bytes(); }

std::string hex_prefix(const bp::Bytes &tag, size_t bytes) {
  return bp::hex_encode(bp::ByteView(tag).subview(0, bytes));
}

void test_rfc4231(void **) {
  const Vector vectors[] = {
      {repeat(0x0b, 20), text("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {text("Jefe"), text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {repeat(0xaa, 20), repeat(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
      {unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat(0xcd, 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
       "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
      {repeat(0xaa, 131), text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      {repeat(0xaa, 131),
       text("This is a test using a larger than block-size key and a larger than block-size data. The key "
            "needs to "
            "be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
       "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
  };
  for (const Vector &v : vectors) {
    ASSERT_BYTES_EQUAL(ASSERT_OK(bp::hmac(HashAlgorithm::sha256, v.key, v.data)), v.sha256);
    ASSERT_BYTES_EQUAL(ASSERT_OK(bp::hmac(HashAlgorithm::sha384, v.key, v.data)), v.sha384);
    ASSERT_BYTES_EQUAL(ASSERT_OK(bp::hmac(HashAlgorithm::sha512, v.key, v.data)), v.sha512);
  }
}

// Test case 5: the output truncated to 128 bits.
void test_rfc4231_truncated(void **) {
  bp::Bytes key = repeat(0x0c, 20);
  bp::Bytes data = text("Test With Truncation");
  bp::Bytes t256 = ASSERT_OK(bp::hmac(HashAlgorithm::sha256, key, data));
  bp::Bytes t384 = ASSERT_OK(bp::hmac(HashAlgorithm::sha384, key, data));
  bp::Bytes t512 = ASSERT_OK(bp::hmac(HashAlgorithm::sha512, key, data));
  assert_string_equal(hex_prefix(t256, 16).c_str(), "a3b6167473100ee06e0c796c2955552b");
  assert_string_equal(hex_prefix(t384, 16).c_str(), "3abf34c3503b2a23a46efc619baef897");
  assert_string_equal(hex_prefix(t512, 16).c_str(), "415fad6271580a531d4179bc891d87a6");
}

void test_verify(void **) {
  bp::Bytes key = text("Jefe");
  bp::Bytes data = text("what do ya want for nothing?");
  bp::Bytes tag = unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  ASSERT_OK(bp::hmac_verify(HashAlgorithm::sha256, key, data, tag));
  tag[31] ^= 1;
  ASSERT_ERROR_CONTAINS(bp::hmac_verify(HashAlgorithm::sha256, key, data, tag), "tag mismatch");
  tag.pop_back();
  ASSERT_ERROR_CONTAINS(bp::hmac_verify(HashAlgorithm::sha256, key, data, tag),
                        "tag has 31 bytes, expected 32");
  ASSERT_ERROR_CONTAINS(bp::hmac_verify(HashAlgorithm::sha256, key, data, {}), "tag has 0 bytes");
}

// An empty key and an empty message are legal HMAC inputs.
void test_empty_inputs(void **) {
  bp::Bytes tag = ASSERT_OK(bp::hmac(HashAlgorithm::sha256, {}, {}));
  // HMAC-SHA256 with an empty key of an empty message (independently
  // computed with Python's hmac module).
  ASSERT_BYTES_EQUAL(tag, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace

RUN_TESTS("crypto/hmac", cmocka_unit_test(test_rfc4231), cmocka_unit_test(test_rfc4231_truncated),
          cmocka_unit_test(test_verify), cmocka_unit_test(test_empty_inputs))
