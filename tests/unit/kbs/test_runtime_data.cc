// report_data binding: the canonical runtime data and its SHA-384, against a
// fixed vector and against an independent computation (Python hashlib and
// json, tests/unit/kbs/jose_reference.py) for a fresh key.
#include "lib/crypto/random.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_write.h"
#include "lib/kbs/runtime_data.h"
#include "lib/kbs/tee_key.h"
#include "tests/unit/run_program.h"
#include "tests/unit/test_support.h"

namespace {

const char kNonce[] = "rTHeWaX1IN8SG6UO7BD0WMtAMkL+1FsuwlH4EOwXn2o=";

bp::Json fixed_jwk() {
  bp::JsonObjectBuilder b;
  b.add_string("kty", "EC").add_string("crv", "P-256").add_string("alg", "ECDH-ES+A256KW");
  b.add_string("x", "47PcSAGThD0cnuZnBo_1tP2FxLSqMBCK92hJANkQk1k");
  b.add_string("y", "drCaVY8HEk01B46jz-9Gp_fT7CejahjOrE-aGeQFiX4");
  return ASSERT_OK(b.build());
}

void test_fixed_vector(void **) {
  bp::Json jwk = fixed_jwk();
  std::string preimage = ASSERT_OK(bp::kbs::report_data_preimage(kNonce, jwk));
  assert_string_equal(
      preimage.c_str(),
      "{\"additional-evidence\":\"\",\"nonce\":\"rTHeWaX1IN8SG6UO7BD0WMtAMkL+1FsuwlH4EOwXn2o=\","
      "\"tee-pubkey\":{\"alg\":\"ECDH-ES+A256KW\",\"crv\":\"P-256\",\"kty\":\"EC\","
      "\"x\":\"47PcSAGThD0cnuZnBo_1tP2FxLSqMBCK92hJANkQk1k\","
      "\"y\":\"drCaVY8HEk01B46jz-9Gp_fT7CejahjOrE-aGeQFiX4\"}}");
  bp::kbs::ReportData data = ASSERT_OK(bp::kbs::report_data_for(kNonce, jwk));
  // Computed with jose_reference.py report-data (Python hashlib).
  ASSERT_BYTES_EQUAL(
      bp::ByteView(data.data(), data.size()),
      "9d3e16e244ada8996a81739c43a9c25607ce35e16a749488f8b22cbf5026b1a3a4fce759a05596b2795a5f15cdb6e99c"
      "00000000000000000000000000000000");
  // The request member keeps nonce first, as the client sends it.
  std::string runtime = ASSERT_OK(bp::json_compact(ASSERT_OK(bp::kbs::runtime_data_json(kNonce, jwk))));
  assert_string_equal(
      runtime.c_str(),
      "{\"nonce\":\"rTHeWaX1IN8SG6UO7BD0WMtAMkL+1FsuwlH4EOwXn2o=\",\"tee-pubkey\":{\"kty\":\"EC\","
      "\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\"47PcSAGThD0cnuZnBo_1tP2FxLSqMBCK92hJANkQk1k\","
      "\"y\":\"drCaVY8HEk01B46jz-9Gp_fT7CejahjOrE-aGeQFiX4\"}}");
}

void test_fresh_key_against_python(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::kbs::TeeKey key = ASSERT_OK(bp::kbs::TeeKey::generate(random));
  bp::Json jwk = ASSERT_OK(key.public_jwk());
  std::string jwk_text = ASSERT_OK(bp::json_compact(jwk));
  assert_int_equal(jwk_text.find("{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\""), 0);
  bp::Bytes x = ASSERT_OK(jwk.get_base64url("x", 32));
  assert_true(bp::ByteView(x) == key.private_key().public_key().x());
  const std::string nonce = "a nonce with \"quotes\" and \\ and unicode \xc3\xa9";
  bp::kbs::ReportData data = ASSERT_OK(bp::kbs::report_data_for(nonce, jwk));
  std::string expected = ASSERT_OK(bp::testing::run_program(
      {"/usr/bin/python3", "tests/unit/kbs/jose_reference.py", "report-data", nonce, jwk_text}));
  assert_string_equal(bp::hex_encode(bp::ByteView(data.data(), data.size())).c_str(), expected.c_str());
}

}  // namespace

RUN_TESTS("kbs/runtime_data", cmocka_unit_test(test_fixed_vector),
          cmocka_unit_test(test_fresh_key_against_python))
