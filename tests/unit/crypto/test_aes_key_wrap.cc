// RFC 3394 section 4 test vectors 4.1-4.6, and unwrap integrity failures.
#include "lib/crypto/aes_key_wrap.h"
#include "tests/unit/test_support.h"

namespace {

const char kKek[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char kData[] = "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f";

bp::Bytes prefix(const char *hex, size_t bytes) {
  return bp::ByteView(unhex(hex)).subview(0, bytes).to_bytes();
}

void test_rfc3394(void **) {
  struct Vector {
    size_t kek_size;
    size_t data_size;
    const char *wrapped;
  };
  const Vector vectors[] = {
      {16, 16, "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"},
      {24, 16, "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d"},
      {32, 16, "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"},
      {24, 24, "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2"},
      {32, 24, "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1"},
      {32, 32, "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"},
  };
  for (const Vector &v : vectors) {
    bp::Bytes kek = prefix(kKek, v.kek_size);
    bp::Bytes data = prefix(kData, v.data_size);
    ASSERT_BYTES_EQUAL(ASSERT_OK(bp::aes_key_wrap(kek, data)), v.wrapped);
    bp::SecretBytes unwrapped = ASSERT_OK(bp::aes_key_unwrap(kek, unhex(v.wrapped)));
    assert_true(unwrapped.view() == bp::ByteView(data));
  }
}

// Any changed bit of the wrapped key, or the wrong KEK, fails the integrity
// check (and returns no key material).
void test_unwrap_integrity_failure(void **) {
  bp::Bytes kek = unhex(kKek);
  bp::Bytes wrapped =
      unhex("28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
  for (size_t i = 0; i < wrapped.size(); ++i) {
    wrapped[i] ^= 0x01;
    ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap(kek, wrapped), "integrity check failed");
    wrapped[i] ^= 0x01;
  }
  kek[0] ^= 0x80;
  ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap(kek, wrapped), "integrity check failed");
  // The right KEK of the wrong size is a different key.
  ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap(prefix(kKek, 24), wrapped), "integrity check failed");
}

void test_rejects_bad_lengths(void **) {
  bp::Bytes kek = unhex(kKek);
  ASSERT_ERROR_CONTAINS(bp::aes_key_wrap(bp::Bytes(20, 1), bp::Bytes(16, 2)), "KEK has 20 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap({}, bp::Bytes(24, 2)), "KEK has 0 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_wrap(kek, bp::Bytes(8, 2)), "key data has 8 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_wrap(kek, bp::Bytes(20, 2)), "key data has 20 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_wrap(kek, {}), "key data has 0 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap(kek, bp::Bytes(16, 2)), "wrapped key has 16 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap(kek, bp::Bytes(41, 2)), "wrapped key has 41 bytes");
  ASSERT_ERROR_CONTAINS(bp::aes_key_unwrap(kek, {}), "wrapped key has 0 bytes");
}

// A 40-byte wrapped 32-byte key (the JWE ECDH-ES+A256KW case) round-trips,
// and longer keys do as well.
void test_round_trip(void **) {
  bp::Bytes kek(32, 0x77);
  for (size_t size = 16; size <= 128; size += 8) {
    bp::Bytes key(size);
    for (size_t i = 0; i < size; ++i) key[i] = static_cast<uint8_t>(i * 13 + size);
    bp::Bytes wrapped = ASSERT_OK(bp::aes_key_wrap(kek, key));
    assert_int_equal(wrapped.size(), size + 8);
    bp::SecretBytes back = ASSERT_OK(bp::aes_key_unwrap(kek, wrapped));
    assert_true(back.view() == bp::ByteView(key));
  }
}

}  // namespace

RUN_TESTS("crypto/aes_key_wrap", cmocka_unit_test(test_rfc3394),
          cmocka_unit_test(test_unwrap_integrity_failure), cmocka_unit_test(test_rejects_bad_lengths),
          cmocka_unit_test(test_round_trip))
