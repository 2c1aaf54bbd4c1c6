// RFC 4648 section 10 test vectors and strict-decoding rejections.
#include "lib/core/encoding.h"
#include "tests/unit/test_support.h"

namespace {

struct Vector {
  const char *plain;
  const char *base64;
  const char *base16;
};

// RFC 4648, section 10.
const Vector kRfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "66"},
    {"fo", "Zm8=", "666f"},
    {"foo", "Zm9v", "666f6f"},
    {"foob", "Zm9vYg==", "666f6f62"},
    {"fooba", "Zm9vYmE=", "666f6f6261"},
    {"foobar", "Zm9vYmFy", "666f6f626172"},
};

void test_rfc4648_vectors(void **) {
  for (const Vector &v : kRfc4648) {
    bp::ByteView plain = bp::ByteView::of_string(v.plain);
    assert_string_equal(bp::base64_encode(plain).c_str(), v.base64);
    assert_string_equal(bp::hex_encode(plain).c_str(), v.base16);
    bp::Bytes decoded = ASSERT_OK(bp::base64_decode(v.base64));
    assert_true(bp::ByteView(decoded) == plain);
    decoded = ASSERT_OK(bp::hex_decode(v.base16));
    assert_true(bp::ByteView(decoded) == plain);
    // base64url without padding decodes the same bytes.
    std::string unpadded = v.base64;
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    assert_string_equal(bp::base64url_encode(plain).c_str(), unpadded.c_str());
    decoded = ASSERT_OK(bp::base64url_decode(unpadded));
    assert_true(bp::ByteView(decoded) == plain);
  }
}

void test_base64url_alphabet(void **) {
  bp::Bytes bytes = unhex("fbff");
  assert_string_equal(bp::base64_encode(bytes).c_str(), "+/8=");
  assert_string_equal(bp::base64url_encode(bytes).c_str(), "-_8");
  bp::Bytes decoded = ASSERT_OK(bp::base64url_decode("-_8"));
  assert_true(bp::ByteView(decoded) == bp::ByteView(bytes));
  ASSERT_ERROR_CONTAINS(bp::base64url_decode("+/8"), "invalid character");
  ASSERT_ERROR_CONTAINS(bp::base64_decode("-_8="), "invalid character");
}

void test_hex_rejects_malformed(void **) {
  ASSERT_ERROR_CONTAINS(bp::hex_decode("abc"), "odd length");
  ASSERT_ERROR_CONTAINS(bp::hex_decode("zz"), "invalid character at offset 0");
  ASSERT_ERROR_CONTAINS(bp::hex_decode("0g"), "invalid character at offset 1");
  bp::Bytes upper = ASSERT_OK(bp::hex_decode("ABcd"));
  ASSERT_BYTES_EQUAL(upper, "abcd");
}

void test_base64_rejects_malformed(void **) {
  ASSERT_ERROR_CONTAINS(bp::base64_decode("Zg"), "multiple of 4");             // padding required
  ASSERT_ERROR_CONTAINS(bp::base64_decode("Zh=="), "non-zero trailing bits");  // not canonical
  ASSERT_ERROR_CONTAINS(bp::base64_decode("Z==="), "invalid character");
  ASSERT_ERROR_CONTAINS(bp::base64_decode("Zm9v\n"), "multiple of 4");
  ASSERT_ERROR_CONTAINS(bp::base64_decode("Zm 9"), "invalid character");
  ASSERT_ERROR_CONTAINS(bp::base64_decode("Z=g="), "invalid character");  // '=' inside
  ASSERT_ERROR_CONTAINS(bp::base64url_decode("Z"), "impossible length");
  ASSERT_ERROR_CONTAINS(bp::base64url_decode("Zg="), "multiple of 4");  // partial padding
  bp::Bytes padded = ASSERT_OK(bp::base64url_decode("Zg=="));
  ASSERT_BYTES_EQUAL(padded, "66");
}

void test_roundtrip_all_lengths(void **) {
  bp::Bytes data;
  for (int n = 0; n < 70; ++n) {
    std::string b64 = bp::base64_encode(data);
    std::string b64url = bp::base64url_encode(data);
    bp::Bytes back = ASSERT_OK(bp::base64_decode(b64));
    assert_true(back == data);
    back = ASSERT_OK(bp::base64url_decode(b64url));
    assert_true(back == data);
    back = ASSERT_OK(bp::hex_decode(bp::hex_encode(data)));
    assert_true(back == data);
    data.push_back(static_cast<uint8_t>(n * 37 + 11));
  }
}

}  // namespace

RUN_TESTS("core/encoding", cmocka_unit_test(test_rfc4648_vectors), cmocka_unit_test(test_base64url_alphabet),
          cmocka_unit_test(test_hex_rejects_malformed), cmocka_unit_test(test_base64_rejects_malformed),
          cmocka_unit_test(test_roundtrip_all_lengths))
