// SHA-256: FIPS 180-4 example vectors on every available backend, and the
// SHA-extensions compression against mbedtls on random data.
#include <mbedtls/sha256.h>
#include <stdlib.h>

#include <string>

#include "lib/crypto/sha.h"
#include "lib/crypto/sha256_ni.h"
#include "tests/unit/test_support.h"

namespace {

std::vector<bp::Sha256Compress> backends() {
  std::vector<bp::Sha256Compress> out = {bp::sha256_compress_mbedtls};
  if (bp::sha256_ni_supported()) out.push_back(bp::sha256_ni_compress);
  return out;
}

std::string hash_hex(bp::Sha256Compress compress, bp::ByteView data) {
  bp::Sha256 hash(compress);
  hash.update(data);
  bp::Sha256Digest d = hash.finish();
  return bp::hex_encode(bp::view(d));
}

// NIST CSRC "SHA256.pdf" example values (FIPS 180-4 appendix examples).
void test_known_answers(void **) {
  for (bp::Sha256Compress compress : backends()) {
    assert_string_equal(hash_hex(compress, bp::ByteView::of_string("abc")).c_str(),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(hash_hex(compress, bp::ByteView::of_string("")).c_str(),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(hash_hex(compress, bp::ByteView::of_string(
                                               "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                            .c_str(),
                        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    std::string million(1000000, 'a');
    assert_string_equal(hash_hex(compress, bp::ByteView::of_string(million)).c_str(),
                        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
}

void test_matches_mbedtls_on_random_data(void **) {
  srand(12345);
  bp::Bytes data(9000);
  for (uint8_t &b : data) b = static_cast<uint8_t>(rand());
  for (bp::Sha256Compress compress : backends()) {
    for (size_t len = 0; len < 9000; len += (len < 300 ? 1 : 997)) {
      uint8_t expected[32];
      mbedtls_sha256_ret(data.data(), len, expected, 0);
      // Fed in uneven pieces to exercise the buffering.
      bp::Sha256 hash(compress);
      size_t done = 0, piece = 1;
      while (done < len) {
        size_t n = std::min(piece, len - done);
        hash.update(bp::ByteView(data.data() + done, n));
        done += n;
        piece = piece * 3 + 1;
      }
      bp::Sha256Digest got = hash.finish();
      assert_memory_equal(got.data(), expected, 32);
    }
  }
}

void test_ni_compress_matches_mbedtls(void **) {
  if (!bp::sha256_ni_supported()) {
    print_message("CPU without SHA extensions: nothing to compare\n");
    SKIP_TEST();
  }
  srand(777);
  for (int round = 0; round < 200; ++round) {
    uint32_t a[8], b[8];
    for (int i = 0; i < 8; ++i)
      a[i] = b[i] = static_cast<uint32_t>(rand()) ^ static_cast<uint32_t>(rand()) << 16;
    size_t blocks = static_cast<size_t>(rand() % 70);
    bp::Bytes data(blocks * 64);
    for (uint8_t &x : data) x = static_cast<uint8_t>(rand());
    bp::sha256_ni_compress(a, data.data(), blocks);
    bp::sha256_compress_mbedtls(b, data.data(), blocks);
    assert_memory_equal(a, b, sizeof a);
  }
}

void test_ni_x2_matches_single(void **) {
  if (!bp::sha256_ni_supported()) {
    print_message("CPU without SHA extensions: nothing to compare\n");
    SKIP_TEST();
  }
  srand(31337);
  bp::Bytes data(size_t{64} * 50);
  for (uint8_t &x : data) x = static_cast<uint8_t>(rand());
  for (size_t blocks : {0, 1, 2, 25}) {
    uint32_t a[8], b[8], a2[8], b2[8];
    for (int i = 0; i < 8; ++i)
      a[i] = a2[i] = static_cast<uint32_t>(rand()), b[i] = b2[i] = static_cast<uint32_t>(rand());
    bp::sha256_ni_compress(a, data.data(), blocks);
    bp::sha256_ni_compress(b, data.data() + size_t{64} * 25, blocks);
    bp::sha256_ni_compress_x2(a2, data.data(), b2, data.data() + size_t{64} * 25, blocks);
    assert_memory_equal(a, a2, sizeof a);
    assert_memory_equal(b, b2, sizeof b);
  }
}

// finish_pair against two separate mbedtls hashes, for every prefix length
// around the block boundary and message lengths that do and do not fill one.
void test_finish_pair(void **) {
  srand(4711);
  bp::Bytes data(2 * 4096 + 200);
  for (uint8_t &x : data) x = static_cast<uint8_t>(rand());
  for (bp::Sha256Compress compress : backends()) {
    for (size_t prefix : {0, 1, 32, 63, 64, 65, 130, 256}) {
      for (size_t len : {0, 1, 31, 55, 56, 63, 64, 100, 200, 4096}) {
        bp::Sha256 salted(compress);
        salted.update(bp::ByteView(data.data(), prefix));
        const uint8_t *a = data.data() + 300;
        const uint8_t *b = data.data() + 4096 + 100;
        bp::Sha256Digest da, db;
        salted.finish_pair(bp::ByteView(a, len), bp::ByteView(b, len), &da, &db);
        bp::Bytes ma(data.begin(), data.begin() + static_cast<long>(prefix));
        ma.insert(ma.end(), a, a + len);
        bp::Bytes mb(data.begin(), data.begin() + static_cast<long>(prefix));
        mb.insert(mb.end(), b, b + len);
        uint8_t expected[32];
        mbedtls_sha256_ret(ma.data(), ma.size(), expected, 0);
        assert_memory_equal(da.data(), expected, 32);
        mbedtls_sha256_ret(mb.data(), mb.size(), expected, 0);
        assert_memory_equal(db.data(), expected, 32);
      }
    }
    // Different lengths take the sequential path.
    bp::Sha256 salted(compress);
    bp::Sha256Digest da, db;
    salted.finish_pair(bp::ByteView::of_string("abc"), bp::ByteView::of_string(""), &da, &db);
    ASSERT_BYTES_EQUAL(bp::view(da), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ASSERT_BYTES_EQUAL(bp::view(db), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

void test_copy_continues_from_prefix(void **) {
  bp::Sha256 salted;
  salted.update(bp::ByteView::of_string("salt"));
  bp::Sha256 copy = salted;
  copy.update(bp::ByteView::of_string("block"));
  bp::Sha256Digest d = copy.finish();
  ASSERT_BYTES_EQUAL(bp::view(d), bp::hex_encode(bp::view(bp::sha256(bp::ByteView::of_string("saltblock")))));
}

}  // namespace

RUN_TESTS("crypto/sha256", cmocka_unit_test(test_known_answers),
          cmocka_unit_test(test_matches_mbedtls_on_random_data),
          cmocka_unit_test(test_ni_compress_matches_mbedtls), cmocka_unit_test(test_ni_x2_matches_single),
          cmocka_unit_test(test_finish_pair), cmocka_unit_test(test_copy_continues_from_prefix))
