// FIPS 180-4 examples (NIST CSRC "Cryptographic Standards and Guidelines,
// Examples with Intermediate Values": one-block "abc", multi-block 448/896
// bit messages) and the classic one million 'a' vectors; incremental hashing
// must equal one-shot for every split.
#include <string>

#include "lib/crypto/hash.h"
#include "lib/crypto/sha.h"
#include "tests/unit/test_support.h"

namespace {

const char kAbc[] = "abc";
const char k448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const char k896[] =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
    "nopq"
    "rstu";

bp::ByteView text(const char *s) { return bp::ByteView::of_string(s); }

void test_sha256_vectors(void **) {
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(text(""))),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(text(kAbc))),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(text(k448))),
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

void test_sha384_vectors(void **) {
  ASSERT_BYTES_EQUAL(
      bp::view(bp::sha384(text(""))),
      "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
  ASSERT_BYTES_EQUAL(
      bp::view(bp::sha384(text(kAbc))),
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  ASSERT_BYTES_EQUAL(
      bp::view(bp::sha384(text(k896))),
      "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
}

void test_sha512_vectors(void **) {
  ASSERT_BYTES_EQUAL(bp::view(bp::sha512(text(""))),
                     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha512(text(kAbc))),
                     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha512(text(k896))),
                     "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

// One million 'a', fed in 1000 updates of 1000 bytes and also in one piece.
void test_million_a(void **) {
  std::string thousand(1000, 'a');
  bp::Sha256 h256;
  bp::Sha384 h384;
  bp::Sha512 h512;
  for (int i = 0; i < 1000; ++i) {
    h256.update(text(thousand.c_str()));
    h384.update(text(thousand.c_str()));
    h512.update(text(thousand.c_str()));
  }
  const char *want256 = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  const char *want384 =
      "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985";
  const char *want512 =
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
  ASSERT_BYTES_EQUAL(bp::view(h256.finish()), want256);
  ASSERT_BYTES_EQUAL(bp::view(h384.finish()), want384);
  ASSERT_BYTES_EQUAL(bp::view(h512.finish()), want512);
  std::string million(1000000, 'a');
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(text(million.c_str()))), want256);
  ASSERT_BYTES_EQUAL(bp::view(bp::sha384(text(million.c_str()))), want384);
  ASSERT_BYTES_EQUAL(bp::view(bp::sha512(text(million.c_str()))), want512);
}

// Every split point of a message longer than two SHA-512 blocks.
void test_incremental_equals_one_shot(void **) {
  bp::Bytes message(300);
  for (size_t i = 0; i < message.size(); ++i) message[i] = static_cast<uint8_t>(i * 7 + 3);
  bp::ByteView all(message);
  for (size_t split = 0; split <= message.size(); ++split) {
    bp::Sha256 a;
    a.update(all.subview(0, split));
    a.update(all.subview(split));
    assert_true(a.finish() == bp::sha256(all));
    bp::Sha384 b;
    b.update(all.subview(0, split));
    b.update(all.subview(split));
    assert_true(b.finish() == bp::sha384(all));
    bp::Sha512 c;
    c.update(all.subview(0, split));
    c.update(all.subview(split));
    assert_true(c.finish() == bp::sha512(all));
  }
}

// An empty update with a null pointer while a block is partly buffered (UBSan
// caught memcpy from null here once).
void test_empty_update_mid_block(void **) {
  bp::Sha256 h;
  h.update(bp::ByteView::of_string("ab"));
  h.update(bp::ByteView{});
  h.update(bp::ByteView::of_string("c"));
  ASSERT_BYTES_EQUAL(bp::view(h.finish()),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

void test_hash_by_name(void **) {
  bp::HashAlgorithm algorithm = ASSERT_OK(bp::parse_hash_name("sha384"));
  assert_int_equal(bp::hash_size(algorithm), 48);
  ASSERT_BYTES_EQUAL(
      bp::hash(algorithm, text(kAbc)),
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  // FIPS 180-4 SHA-1 "abc".
  ASSERT_BYTES_EQUAL(bp::hash(ASSERT_OK(bp::parse_hash_name("sha1")), text(kAbc)),
                     "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert_string_equal(bp::hash_name(bp::HashAlgorithm::sha512), "sha512");
  ASSERT_ERROR_CONTAINS(bp::parse_hash_name("md5"), "unsupported hash 'md5'");
  ASSERT_ERROR_CONTAINS(bp::parse_hash_name("SHA256"), "unsupported hash");
  ASSERT_ERROR_CONTAINS(bp::parse_hash_name(""), "unsupported hash");
}

}  // namespace

RUN_TESTS("crypto/sha", cmocka_unit_test(test_empty_update_mid_block), cmocka_unit_test(test_sha256_vectors),
          cmocka_unit_test(test_sha384_vectors), cmocka_unit_test(test_sha512_vectors),
          cmocka_unit_test(test_million_a), cmocka_unit_test(test_incremental_equals_one_shot),
          cmocka_unit_test(test_hash_by_name))
