// Test cases from McGrew and Viega, "The Galois/Counter Mode of Operation
// (GCM)" (the NIST submission): 4 (AES-128) and 13-18 (AES-256, including
// the 8-byte and 60-byte IV cases), and the failure paths.
#include <string>

#include "lib/crypto/aes_gcm.h"
#include "tests/unit/test_support.h"

namespace {

const char kKey[] = "feffe9928665731c6d6a8f9467308308";
const char kPlain[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const char kAad[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

struct Vector {
  std::string key;
  const char *iv;
  const char *aad;
  std::string plain;
  const char *cipher;
  const char *tag;
};

std::string key256() { return std::string(kKey) + kKey; }
std::string plain60() { return std::string(kPlain, 120); }

void check(const Vector &v) {
  bp::Bytes key = unhex(v.key.c_str());
  bp::Bytes iv = unhex(v.iv);
  bp::Bytes aad = unhex(v.aad);
  bp::Bytes plain = unhex(v.plain.c_str());
  bp::AesGcmCiphertext sealed = ASSERT_OK(bp::aes_gcm_encrypt(key, iv, aad, plain));
  ASSERT_BYTES_EQUAL(sealed.ciphertext, v.cipher);
  ASSERT_BYTES_EQUAL(bp::ByteView(sealed.tag.data(), sealed.tag.size()), v.tag);
  bp::SecretBytes opened = ASSERT_OK(bp::aes_gcm_decrypt(key, iv, aad, sealed.ciphertext, unhex(v.tag)));
  assert_true(opened.view() == bp::ByteView(plain));
}

void test_gcm_spec_vectors(void **) {
  const Vector vectors[] = {
      // Test case 4: AES-128 with AAD, 60-byte plaintext.
      {kKey, "cafebabefacedbaddecaf888", kAad, plain60(),
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30"
       "b396a0aa"
       "c973d58e091",
       "5bc94fbc3221a5db94fae95ae7121a47"},
      // 13: zero key, empty plaintext.
      {std::string(64, '0'), "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
      // 14: zero key, one zero block.
      {std::string(64, '0'), "000000000000000000000000", "", std::string(32, '0'),
       "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
      // 15: four blocks, no AAD.
      {key256(), "cafebabefacedbaddecaf888", "", kPlain,
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61"
       "e6393ba7"
       "a0abcc9f662898015ad",
       "b094dac5d93471bdec1a502270e3cc6c"},
      // 16: AAD and a partial last block.
      {key256(), "cafebabefacedbaddecaf888", kAad, plain60(),
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61"
       "e6393ba7"
       "a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b"},
      // 17: 8-byte IV.
      {key256(), "cafebabefacedbad", kAad, plain60(),
       "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0feb582d33934a4f0954cc2363bc73f7862ac4"
       "30e64abe"
       "499f47c9b1f",
       "3a337dbf46a792c45e454913fe2ea8f2"},
      // 18: 60-byte IV.
      {key256(),
       "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aed"
       "bf5a0de6"
       "a57a637b39b",
       kAad, plain60(),
       "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf40fc0c3b780f244452da3ebf1c5d82cdea2418"
       "997200ef"
       "82e44ae7e3f",
       "a44a8266ee1c8eb0c8b5d4cf5ae9f19a"},
  };
  for (const Vector &v : vectors) check(v);
}

// Test case 16 with one bit flipped in each input in turn: never plaintext.
void test_tag_mismatch(void **) {
  bp::Bytes key = unhex(key256().c_str());
  bp::Bytes iv = unhex("cafebabefacedbaddecaf888");
  bp::Bytes aad = unhex(kAad);
  bp::Bytes cipher = unhex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e"
      "6393ba7a"
      "0abcc9f662");
  bp::Bytes tag = unhex("76fc6ece0f4e1768cddf8853bb2d551b");
  ASSERT_OK(bp::aes_gcm_decrypt(key, iv, aad, cipher, tag));
  const char *mismatch = "authentication tag mismatch";
  for (bp::Bytes *input : {&key, &iv, &aad, &cipher, &tag}) {
    (*input)[input->size() / 2] ^= 0x10;
    ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(key, iv, aad, cipher, tag), mismatch);
    (*input)[input->size() / 2] ^= 0x10;
  }
  // Truncated ciphertext and missing AAD are tag failures too.
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(key, iv, aad, bp::ByteView(cipher).subview(0, 59), tag),
                        mismatch);
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(key, iv, {}, cipher, tag), mismatch);
}

void test_rejects_bad_parameters(void **) {
  bp::Bytes key(32, 1), iv(12, 2), tag(16, 3);
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_encrypt(bp::Bytes(31, 1), iv, {}, {}),
                        "key has 31 bytes, expected 16, 24 or 32");
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(bp::Bytes(0, 1), iv, {}, {}, tag), "key has 0 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_encrypt(key, {}, {}, {}), "empty IV");
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(key, {}, {}, {}, tag), "empty IV");
  // Truncated tags weaken GCM: only the full 16 bytes are accepted.
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(key, iv, {}, {}, bp::Bytes(12, 3)),
                        "tag has 12 bytes, expected 16");
  ASSERT_ERROR_CONTAINS(bp::aes_gcm_decrypt(key, iv, {}, {}, {}), "tag has 0 bytes");
}

void test_round_trip_lengths(void **) {
  bp::Bytes key(24, 0x5a), iv(12, 0xa5), aad(7, 0x11);
  bp::Bytes plain;
  for (int n = 0; n < 70; ++n) {
    bp::AesGcmCiphertext sealed = ASSERT_OK(bp::aes_gcm_encrypt(key, iv, aad, plain));
    assert_int_equal(sealed.ciphertext.size(), plain.size());
    bp::SecretBytes opened = ASSERT_OK(bp::aes_gcm_decrypt(
        key, iv, aad, sealed.ciphertext, bp::ByteView(sealed.tag.data(), sealed.tag.size())));
    assert_true(opened.view() == bp::ByteView(plain));
    plain.push_back(static_cast<uint8_t>(n));
  }
}

}  // namespace

RUN_TESTS("crypto/aes_gcm", cmocka_unit_test(test_gcm_spec_vectors), cmocka_unit_test(test_tag_mismatch),
          cmocka_unit_test(test_rejects_bad_parameters), cmocka_unit_test(test_round_trip_lengths))
