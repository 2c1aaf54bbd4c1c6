// RFC 8785 JSON Canonicalization Scheme: the RFC's examples and the object
// the Trustee KBS protocol hashes.
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/crypto/sha.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "tests/unit/test_support.h"

namespace {

std::string canonical(std::string_view text) {
  bp::Json value = ASSERT_OK(bp::parse_json(text, 1 << 16, 16));
  return ASSERT_OK(bp::json_canonical(value));
}

// RFC 8785 section 3.2.2: sample input and its canonical form.
void test_rfc8785_sample(void **) {
  const char input[] = R"({
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
  const char output[] =
      "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
      "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
  assert_string_equal(canonical(input).c_str(), output);
}

// RFC 8785 section 3.2.3: members sorted by UTF-16 code units, where U+1F600
// (surrogates D83D DE00) sorts before U+FB33, unlike in UTF-8 or code points.
void test_rfc8785_sort_order(void **) {
  const char input[] = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";
  const char output[] =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
      "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
      "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}";
  assert_string_equal(canonical(input).c_str(), output);
}

void test_nested_sorting_and_whitespace(void **) {
  assert_string_equal(
      canonical(" { \"b\" : [ { \"z\" : 1 , \"y\" : { \"d\" : 0 , \"c\" : [ ] } } ] , \"a\" : { } } ")
          .c_str(),
      "{\"a\":{},\"b\":[{\"y\":{\"c\":[],\"d\":0},\"z\":1}]}");
  // Prefixes sort first; comparison is by code unit, so 'B' < 'a'.
  assert_string_equal(canonical(R"({"ab":1,"a":2,"B":3,"":4})").c_str(), "{\"\":4,\"B\":3,\"a\":2,\"ab\":1}");
}

// Only '"', '\' and control characters are escaped, the named ones by name,
// the others as \u00xx in lower case; DEL, '/' and non-ASCII are not.
void test_string_escapes(void **) {
  std::string input = "[\"";
  for (int c = 1; c < 0x20; ++c) input += bp::format("\\u%04X", c);
  input += "\\u007f\\/\\\"\\\\\\u00e9\"]";
  assert_string_equal(
      canonical(input).c_str(),
      "[\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
      "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b"
      "\\u001c\\u001d\\u001e\\u001f\x7f/\\\"\\\\\xc3\xa9\"]");
}

void test_numbers(void **) {
  assert_string_equal(
      canonical("[-0, -0.0, 0.0, 1.0, 1E2, 1e21, 1e-7, 5e-324, 1.7976931348623157e308]").c_str(),
      "[0,0,0,1,100,1e+21,1e-7,5e-324,1.7976931348623157e+308]");
  assert_string_equal(canonical("[9007199254740992, -9007199254740992, 333333333.3333333]").c_str(),
                      "[9007199254740992,-9007199254740992,333333333.3333333]");
  // Integers beyond 2^53 have no exact double; JCS refuses them.
  ASSERT_ERROR_CONTAINS(
      bp::json_canonical(ASSERT_OK(bp::parse_json(R"({"a":[1,{"n":9007199254740993}]})", 100, 4))),
      "$.a[1].n: integer 9007199254740993 is beyond 2^53");
  ASSERT_ERROR_CONTAINS(bp::json_canonical(ASSERT_OK(bp::parse_json("-9007199254740993", 100, 4))),
                        "$: integer -9007199254740993 is beyond 2^53");
  // The same value as a real is a double already.
  assert_string_equal(canonical("9007199254740993.0").c_str(), "9007199254740992");
}

void test_scalars_at_the_top(void **) {
  assert_string_equal(canonical("\"x\"").c_str(), "\"x\"");
  assert_string_equal(canonical("true").c_str(), "true");
  assert_string_equal(canonical("null").c_str(), "null");
  assert_string_equal(canonical("[]").c_str(), "[]");
}

void test_canonical_form_is_stable(void **) {
  std::string once = canonical(R"({"z":[3,2.50,{"b":"\u00e9","a":null}],"y":"\ud83d\ude00","x":1e-9})");
  assert_string_equal(
      once.c_str(), "{\"x\":1e-9,\"y\":\"\xf0\x9f\x98\x80\",\"z\":[3,2.5,{\"a\":null,\"b\":\"\xc3\xa9\"}]}");
  assert_string_equal(canonical(once).c_str(), once.c_str());
}

// The test vector of Trustee's attestation service (attestation-service/src/lib.rs).
void test_trustee_vector(void **) {
  std::string jcs = canonical(R"({"b":1,"a":"test","c":{"d":"e"}})");
  assert_string_equal(jcs.c_str(), "{\"a\":\"test\",\"b\":1,\"c\":{\"d\":\"e\"}}");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha384(bp::ByteView::of_string(jcs))),
                     "e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c"
                     "4597480a186427c813ca941da78870c3");
}

// The object whose SHA-384 becomes the SNP report_data in the KBS protocol,
// built in the order the client knows its parts.
void test_kbs_runtime_data(void **) {
  bp::JsonObjectBuilder key;
  key.add_string("kty", "EC")
      .add_string("crv", "P-256")
      .add_string("alg", "ECDH-ES+A256KW")
      .add_string("x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")
      .add_string("y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  bp::JsonObjectBuilder runtime_data;
  runtime_data.add_object("tee-pubkey", std::move(key))
      .add_string("nonce", "Lq0yTnxL5nTgD2u4oWqHuWzRJzUdBv0hs6kMfDvYcUs=")
      .add_string("additional-evidence", "");
  std::string jcs = ASSERT_OK(bp::json_canonical(ASSERT_OK(runtime_data.build())));
  assert_string_equal(
      jcs.c_str(),
      "{\"additional-evidence\":\"\",\"nonce\":\"Lq0yTnxL5nTgD2u4oWqHuWzRJzUdBv0hs6kMfDvYcUs=\","
      "\"tee-pubkey\":{\"alg\":\"ECDH-ES+A256KW\",\"crv\":\"P-256\",\"kty\":\"EC\","
      "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}}");
  // SHA-384 of that string, by Python's hashlib.
  ASSERT_BYTES_EQUAL(bp::view(bp::sha384(bp::ByteView::of_string(jcs))),
                     "c0ae4c7535c8278f59eabf6f25ebe24ed80c899d8d5bb0b118820c3c262236fc"
                     "9cd043ffbae731e5ba9473d7c9dac856");
}

// The real SNP evidence, canonicalised; digest of node's JCS of the same file.
void test_snp_evidence_fixture(void **) {
  std::string text = ASSERT_OK(bp::read_text_file("tests/data/trustee/snp-evidence-genoa.json", 1 << 16));
  std::string jcs = canonical(text);
  assert_int_equal(jcs.size(), 6714);
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(bp::ByteView::of_string(jcs))),
                     "714942cf4d4286f0760659b48c0c28e71c0841efd20ab940bed904939f727b17");
}

}  // namespace

RUN_TESTS("json/jcs", cmocka_unit_test(test_rfc8785_sample), cmocka_unit_test(test_rfc8785_sort_order),
          cmocka_unit_test(test_nested_sorting_and_whitespace), cmocka_unit_test(test_string_escapes),
          cmocka_unit_test(test_numbers), cmocka_unit_test(test_scalars_at_the_top),
          cmocka_unit_test(test_canonical_form_is_stable), cmocka_unit_test(test_trustee_vector),
          cmocka_unit_test(test_kbs_runtime_data), cmocka_unit_test(test_snp_evidence_fixture))
