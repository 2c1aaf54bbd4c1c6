// JsonObjectBuilder / JsonArrayBuilder and compact serialisation.
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "tests/unit/test_support.h"

namespace {

std::string compact(const bp::Json &value) { return ASSERT_OK(bp::json_compact(value)); }

void test_builds_in_insertion_order(void **) {
  bp::JsonArrayBuilder list;
  list.add_string("x").add_i64(-1).add_u64(2).add_bool(false).add_null().add_byte_array(unhex("0001ff"));
  bp::JsonObjectBuilder inner;
  inner.add_string("k", "v");
  bp::JsonObjectBuilder object;
  object.add_string("zeta", "z")
      .add_i64("min", INT64_MIN)
      .add_u64("max", INT64_MAX)
      .add_bool("yes", true)
      .add_null("none")
      .add_byte_array("bytes", unhex("00ff10"))
      .add_byte_array("no_bytes", bp::ByteView())
      .add_string("empty", "")
      .add_object("inner", std::move(inner))
      .add_array("list", std::move(list))
      .add_object("empty_object", bp::JsonObjectBuilder())
      .add_array("empty_array", bp::JsonArrayBuilder());
  bp::Json built = ASSERT_OK(object.build());
  assert_string_equal(
      compact(built).c_str(),
      "{\"zeta\":\"z\",\"min\":-9223372036854775808,\"max\":9223372036854775807,\"yes\":true,"
      "\"none\":null,\"bytes\":[0,255,16],\"no_bytes\":[],\"empty\":\"\",\"inner\":{\"k\":\"v\"},"
      "\"list\":[\"x\",-1,2,false,null,[0,1,255]],\"empty_object\":{},\"empty_array\":[]}");
  // What was built reads back through the accessors.
  ASSERT_BYTES_EQUAL(ASSERT_OK(built.get_byte_array("bytes", 3)), "00ff10");
  ASSERT_BYTES_EQUAL(ASSERT_OK(built.array("list").at(5).as_byte_array(3)), "0001ff");
  assert_string_equal(ASSERT_OK(built.object("inner").get_string("k")).c_str(), "v");
  // The builder is empty and usable after build().
  object.add_i64("again", 1);
  assert_string_equal(compact(ASSERT_OK(object.build())).c_str(), "{\"again\":1}");
}

void test_strings_are_escaped_minimally(void **) {
  bp::JsonObjectBuilder object;
  object.add_string("s", "quote\" backslash\\ slash/ \b\f\n\r\t \x01\x1f\x7f \xc3\xa9 \xf0\x9f\x98\x80");
  assert_string_equal(compact(ASSERT_OK(object.build())).c_str(),
                      "{\"s\":\"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t \\u0001\\u001f\x7f \xc3\xa9 "
                      "\xf0\x9f\x98\x80\"}");
}

void test_values_are_shared(void **) {
  bp::Json parsed = ASSERT_OK(bp::parse_json(R"({"b": [1, 2], "a": 0.1})", 100, 4));
  bp::JsonObjectBuilder object;
  object.add_value("doc", parsed).add_value("b", ASSERT_OK(parsed.array("b")));
  bp::JsonArrayBuilder array;
  array.add_value(parsed).add_object(std::move(object));
  assert_string_equal(compact(ASSERT_OK(array.build())).c_str(),
                      "[{\"b\":[1,2],\"a\":0.1},{\"doc\":{\"b\":[1,2],\"a\":0.1},\"b\":[1,2]}]");
}

void test_errors_name_the_member(void **) {
  bp::JsonObjectBuilder dup;
  dup.add_string("a", "1").add_i64("a", 2);
  ASSERT_ERROR_CONTAINS(dup.build(), "$.a: added twice");

  bp::JsonObjectBuilder utf8;
  utf8.add_string("ok", "fine").add_string("bad", "\xc0\xaf").add_string("later", "\xff");
  ASSERT_ERROR_CONTAINS(utf8.build(), "$.bad: string is not valid UTF-8");  // the first error wins

  bp::JsonObjectBuilder nul;
  nul.add_string("s", std::string_view("a\0b", 3));
  ASSERT_ERROR_CONTAINS(nul.build(), "$.s: string contains a NUL byte");

  bp::JsonObjectBuilder big;
  big.add_u64("n", UINT64_MAX);
  ASSERT_ERROR_CONTAINS(big.build(), "$.n: unsigned integer is beyond 2^63-1");

  bp::JsonObjectBuilder key;
  key.add_i64("\xff", 1);
  ASSERT_ERROR_CONTAINS(key.build(), "$['\\xff']: key is not valid UTF-8");

  // Errors in nested builders keep their place.
  bp::JsonObjectBuilder pubkey;
  pubkey.add_string("kty", "EC").add_string("x", "\xff");
  bp::JsonArrayBuilder list;
  list.add_i64(1).add_object(std::move(pubkey));
  bp::JsonObjectBuilder outer;
  outer.add_array("keys", std::move(list));
  ASSERT_ERROR_CONTAINS(outer.build(), "$.keys[1].x: string is not valid UTF-8");

  bp::JsonArrayBuilder array;
  array.add_string("a").add_u64(1ULL << 63);
  ASSERT_ERROR_CONTAINS(array.build(), "$[1]: unsigned integer is beyond 2^63-1");
  // After a failed build the builder starts over.
  array.add_string("b");
  assert_string_equal(compact(ASSERT_OK(array.build())).c_str(), "[\"b\"]");

  bp::JsonObjectBuilder moved;
  bp::JsonObjectBuilder taker(std::move(moved));
  moved.add_i64("a", 1);  // NOLINT: a moved-from builder reports an error
  ASSERT_ERROR_CONTAINS(moved.build(), "$.a: no container to add to");  // NOLINT
  ASSERT_OK(taker.build());
}

void test_compact_round_trip(void **) {
  const char *text =
      R"({"b":0.1,"a":[1,-0,1e300,1e-7,1e20,1.2345678901234568e20,-1e19,-9.2e18],"c":{"\u00e9":"\u0001"},)"
      R"("d":9007199254740993})";
  bp::Json doc = ASSERT_OK(bp::parse_json(text, 1000, 4));
  std::string out = compact(doc);
  // Document order; numbers as ECMAScript writes them, except that reals
  // beyond int64 keep an exponent so that they read back; integers exact.
  assert_string_equal(
      out.c_str(),
      "{\"b\":0.1,\"a\":[1,0,1e+300,1e-7,1e+20,1.2345678901234568e+20,-1e+19,-9200000000000000000],"
      "\"c\":{\"\xc3\xa9\":\"\\u0001\"},\"d\":9007199254740993}");
  bp::Json again = ASSERT_OK(bp::parse_json(out, 1000, 4));
  assert_string_equal(compact(again).c_str(), out.c_str());
}

}  // namespace

RUN_TESTS("json/builder", cmocka_unit_test(test_builds_in_insertion_order),
          cmocka_unit_test(test_strings_are_escaped_minimally), cmocka_unit_test(test_values_are_shared),
          cmocka_unit_test(test_errors_name_the_member), cmocka_unit_test(test_compact_round_trip))
