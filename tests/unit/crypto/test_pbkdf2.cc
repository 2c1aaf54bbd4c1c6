// PBKDF2: RFC 6070 (HMAC-SHA1; the 16777216-iteration case is left out to
// keep the suite fast) and RFC 7914 section 11 (HMAC-SHA256).
#include <string>

#include "lib/crypto/pbkdf2.h"
#include "tests/unit/test_support.h"

namespace {

using bp::HashAlgorithm;

bp::ByteView text(const char *s) { return bp::ByteView::of_string(s); }

void test_rfc6070(void **) {
  struct Vector {
    std::string password;
    std::string salt;
    uint32_t iterations;
    size_t length;
    const char *key;
  };
  const Vector vectors[] = {
      {"password", "salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
      {"password", "salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
      {"password", "salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1"},
      {"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25,
       "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
      {std::string("pass\0word", 9), std::string("sa\0lt", 5), 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3"},
  };
  for (const Vector &v : vectors) {
    bp::SecretBytes key = ASSERT_OK(bp::pbkdf2(HashAlgorithm::sha1, bp::ByteView::of_string(v.password),
                                               bp::ByteView::of_string(v.salt), v.iterations, v.length));
    ASSERT_BYTES_EQUAL(key.view(), v.key);
  }
}

void test_rfc7914_sha256(void **) {
  bp::SecretBytes a = ASSERT_OK(bp::pbkdf2_sha256(text("passwd"), text("salt"), 1, 64));
  ASSERT_BYTES_EQUAL(a.view(),
                     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  bp::SecretBytes b = ASSERT_OK(bp::pbkdf2_sha256(text("Password"), text("NaCl"), 80000, 64));
  ASSERT_BYTES_EQUAL(b.view(),
                     "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

void test_rejects_bad_parameters(void **) {
  ASSERT_ERROR_CONTAINS(bp::pbkdf2_sha256(text("p"), text("s"), 0, 32), "iteration count must be at least 1");
  ASSERT_ERROR_CONTAINS(bp::pbkdf2_sha256(text("p"), text("s"), 1, 0), "output length 0 out of range");
}

}  // namespace

RUN_TESTS("crypto/pbkdf2", cmocka_unit_test(test_rfc6070), cmocka_unit_test(test_rfc7914_sha256),
          cmocka_unit_test(test_rejects_bad_parameters))
