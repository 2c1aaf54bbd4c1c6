// parse_json: limits, and rejection of every kind of malformed input.
#include <string>

#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "tests/unit/test_support.h"

namespace {

constexpr size_t kMaxSize = 1 << 20;
constexpr size_t kMaxDepth = 64;

bp::Result<bp::Json> parse(std::string_view text) { return bp::parse_json(text, kMaxSize, kMaxDepth); }

std::string compact(const bp::Json &value) { return ASSERT_OK(bp::json_compact(value)); }

void test_parses_values(void **) {
  bp::Json doc = ASSERT_OK(parse(" {\"a\": [1, -2, 0.5, \"x\", true, false, null], \"b\": {}} \n"));
  assert_string_equal(doc.path().c_str(), "$");
  assert_string_equal(compact(doc).c_str(), "{\"a\":[1,-2,0.5,\"x\",true,false,null],\"b\":{}}");
  // Any value may be at the top.
  assert_string_equal(compact(ASSERT_OK(parse("42"))).c_str(), "42");
  assert_string_equal(compact(ASSERT_OK(parse("\"s\""))).c_str(), "\"s\"");
  assert_true(ASSERT_OK(parse("null")).is_null());
  // UTF-8 and escaped surrogate pairs become UTF-8.
  bp::Json text = ASSERT_OK(parse("[\"\xc3\xa9\\u00e9\\ud83d\\ude00\xf0\x9f\x98\x80\"]"));
  std::string s = ASSERT_OK(text.at(0).as_string());
  ASSERT_BYTES_EQUAL(bp::ByteView::of_string(s), "c3a9c3a9f09f9880f09f9880");
}

void test_size_limit(void **) {
  std::string doc = "[\"" + std::string(100, 'x') + "\"]";
  ASSERT_OK(bp::parse_json(doc, doc.size(), kMaxDepth));
  ASSERT_ERROR_CONTAINS(bp::parse_json(doc, doc.size() - 1, kMaxDepth),
                        "JSON text of 104 bytes is larger than the limit of 103");
}

void test_depth_limit(void **) {
  ASSERT_OK(bp::parse_json("[[{\"a\":[]}]]", kMaxSize, 4));
  ASSERT_ERROR_CONTAINS(bp::parse_json("[[{\"a\":[]}]]", kMaxSize, 3),
                        "line 1, column 8, position 8: nesting deeper than the limit of 3");
  ASSERT_OK(bp::parse_json("1", kMaxSize, 0));
  ASSERT_ERROR_CONTAINS(bp::parse_json("{}", kMaxSize, 0), "nesting deeper than the limit of 0");
  ASSERT_ERROR_CONTAINS(bp::parse_json("{\n \"a\":\n  [[1]]}", kMaxSize, 2), "line 3, column 4, position 12");
  // Brackets in strings, also after escaped quotes, are not nesting.
  ASSERT_OK(bp::parse_json("[\"[[[[{{{{\", \"\\\"[[[[\", \"\\\\\"]", kMaxSize, 1));
  ASSERT_ERROR_CONTAINS(bp::parse_json("[\"\\\\\", [[]]]", kMaxSize, 2), "nesting deeper");
}

void test_deep_nesting_cannot_exhaust_the_stack(void **) {
  std::string deep(100000, '[');
  ASSERT_ERROR_CONTAINS(parse(deep), "column 65, position 65: nesting deeper than the limit of 64");
  deep += std::string(100000, ']');
  ASSERT_ERROR_CONTAINS(parse(deep), "nesting deeper than the limit of 64");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  ASSERT_ERROR_CONTAINS(parse(objects), "nesting deeper than the limit of 64");
  // Even without our limit, jansson stops at its own.
  ASSERT_ERROR_CONTAINS(bp::parse_json(deep, kMaxSize, SIZE_MAX), "maximum parsing depth reached");
}

void test_truncated_documents(void **) {
  const std::string doc =
      "{\"a\": [1, 2.5e3, \"x\\u00e9\\n\", true, false, null], \"b\": {\"c\": \"\xc3\xa9\"}, \"d\": -0}";
  ASSERT_OK(parse(doc));
  for (size_t n = 0; n < doc.size(); ++n) {
    auto result = parse(doc.substr(0, n));
    if (result.ok()) fail_msg("prefix of %zu bytes parsed: %s", n, doc.substr(0, n).c_str());
    assert_non_null(strstr(result.error().message().c_str(), "invalid JSON at line 1"));
  }
  ASSERT_ERROR_CONTAINS(parse(""), "invalid JSON at line 1, column 0, position 0");
  ASSERT_ERROR_CONTAINS(parse("  \n "), "invalid JSON");
}

void test_trailing_garbage(void **) {
  ASSERT_OK(parse("{} \n\t\r "));
  ASSERT_ERROR_CONTAINS(parse("{} x"), "end of file expected");
  ASSERT_ERROR_CONTAINS(parse("{}{}"), "end of file expected");
  ASSERT_ERROR_CONTAINS(parse("[1] 2"), "end of file expected");
  ASSERT_ERROR_CONTAINS(parse("1 2"), "end of file expected");
  ASSERT_ERROR_CONTAINS(parse(std::string("{}\0", 3)), "invalid JSON");
}

void test_invalid_syntax(void **) {
  ASSERT_ERROR_CONTAINS(parse("[1,]"),
                        "invalid JSON at line 1, column 4, position 4: unexpected token near ']'");
  ASSERT_ERROR_CONTAINS(parse("{\"a\" 1}"), "':' expected");
  ASSERT_ERROR_CONTAINS(parse("{a: 1}"), "string or '}' expected");
  ASSERT_ERROR_CONTAINS(parse("[01]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("[1.]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("[+1]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("[.5]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("[NaN]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("[Infinity]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("[tru]"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("['a']"), "invalid token");
  ASSERT_ERROR_CONTAINS(parse("\xef\xbb\xbf{}"), "invalid token");  // a byte order mark
  ASSERT_ERROR_CONTAINS(parse("[1] // comment"), "end of file expected");
  ASSERT_ERROR_CONTAINS(parse("{\n  \"a\": tru\n}"), "invalid JSON at line 2");
}

void test_invalid_escapes(void **) {
  ASSERT_ERROR_CONTAINS(parse("[\"\\x41\"]"), "invalid escape");
  ASSERT_ERROR_CONTAINS(parse("[\"\\u12\"]"), "invalid escape");
  ASSERT_ERROR_CONTAINS(parse("[\"\\u12G4\"]"), "invalid escape");
  ASSERT_ERROR_CONTAINS(parse("[\"\\U0041\"]"), "invalid escape");
  ASSERT_ERROR_CONTAINS(parse("[\"\\'\"]"), "invalid escape");
  ASSERT_ERROR_CONTAINS(parse("[\"abc\\"), "invalid JSON");
}

void test_lone_surrogates_are_rejected(void **) {
  ASSERT_ERROR_CONTAINS(parse("[\"\\ud800\"]"), "invalid Unicode '\\uD800'");
  ASSERT_ERROR_CONTAINS(parse("[\"\\udbff x\"]"), "invalid Unicode");
  ASSERT_ERROR_CONTAINS(parse("[\"\\udc00\"]"), "invalid Unicode '\\uDC00'");
  ASSERT_ERROR_CONTAINS(parse("[\"\\ud800\\u0041\"]"), "invalid Unicode '\\uD800\\u0041'");
  ASSERT_ERROR_CONTAINS(parse("[\"\\ude00\\ud83d\"]"), "invalid Unicode");  // pair in the wrong order
  ASSERT_ERROR_CONTAINS(parse("{\"\\ud800\": 1}"), "invalid Unicode");
}

void test_invalid_utf8(void **) {
  const char *bad[] = {
      "[\"\xff\"]",                  // never valid
      "[\"\x80\"]",                  // lone continuation byte
      "[\"\xc3\"]",                  // truncated sequence
      "[\"\xe2\x82\"]",              // truncated sequence
      "[\"\xc0\xaf\"]",              // overlong '/'
      "[\"\xc1\xbf\"]",              // overlong
      "[\"\xe0\x80\xaf\"]",          // overlong '/'
      "[\"\xf0\x80\x80\xaf\"]",      // overlong '/'
      "[\"\xed\xa0\x80\"]",          // UTF-8 encoded surrogate U+D800
      "[\"\xf4\x90\x80\x80\"]",      // beyond U+10FFFF
      "[\"\xf8\x88\x80\x80\x80\"]",  // five-byte form
      "{\"\xff\": 1}",               // in a key
      "[\xc3\xa9]",                  // outside a string
  };
  for (const char *text : bad) {
    auto result = parse(text);
    if (result.ok()) fail_msg("invalid UTF-8 accepted: %s", text);
    // The offending bytes never reach the message.
    for (char c : result.error().message())
      if (static_cast<unsigned char>(c) >= 0x7f || static_cast<unsigned char>(c) < 0x20)
        fail_msg("unescaped byte in error: %s", result.error().message().c_str());
  }
  ASSERT_ERROR_CONTAINS(parse("[\"\xc0\xaf\"]"), "unable to decode byte 0xc0");
  // The largest code point is fine.
  ASSERT_OK(parse("[\"\xf4\x8f\xbf\xbf\"]"));
}

void test_nul_bytes_are_rejected(void **) {
  ASSERT_ERROR_CONTAINS(parse("[\"a\\u0000b\"]"), "\\u0000 is not allowed");
  ASSERT_ERROR_CONTAINS(parse("{\"a\\u0000\": 1}"), "NUL byte in object key not supported");
  ASSERT_ERROR_CONTAINS(parse(std::string("[\"a\0b\"]", 7)), "control character 0x0");
  ASSERT_ERROR_CONTAINS(parse(std::string("[1,\0 2]", 7)), "invalid JSON");
  // Other control characters must be escaped too.
  ASSERT_ERROR_CONTAINS(parse("[\"a\x01\"]"), "control character 0x1 near");
  ASSERT_ERROR_CONTAINS(parse("[\"a\nb\"]"), "unexpected newline");
  ASSERT_OK(parse("[\"a\\nb\\u0001\"]"));
}

void test_duplicate_keys_are_rejected(void **) {
  ASSERT_ERROR_CONTAINS(parse("{\"a\": 1, \"a\": 2}"), "duplicate object key");
  ASSERT_ERROR_CONTAINS(parse("{\"x\": {\"b\": 1, \"c\": 2, \"b\": 1}}"), "duplicate object key");
  // The same key after unescaping is the same key.
  ASSERT_ERROR_CONTAINS(parse("{\"a\": 1, \"\\u0061\": 2}"), "duplicate object key");
  ASSERT_OK(parse("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}"));
}

void test_huge_numbers(void **) {
  ASSERT_OK(parse("[9223372036854775807, -9223372036854775808]"));
  ASSERT_ERROR_CONTAINS(parse("[9223372036854775808]"), "too big integer");
  ASSERT_ERROR_CONTAINS(parse("[-9223372036854775809]"), "too big negative integer");
  ASSERT_ERROR_CONTAINS(parse("[18446744073709551615]"), "too big integer");
  ASSERT_ERROR_CONTAINS(parse("[1e400]"), "real number overflow");
  ASSERT_ERROR_CONTAINS(parse("[-1e400]"), "real number overflow");
  ASSERT_ERROR_CONTAINS(parse("[" + std::string(10000, '9') + "]"), "too big integer");
  // Underflow reads as zero, as strtod does.
  assert_string_equal(compact(ASSERT_OK(parse("[1e-400]"))).c_str(), "[0]");
  assert_string_equal(compact(ASSERT_OK(parse("[1.7976931348623157e308]"))).c_str(),
                      "[1.7976931348623157e+308]");
}

void test_error_text_is_escaped(void **) {
  // jansson quotes the token it stopped at, here with an escape sequence.
  auto result = parse("[1\x1b[31m]");
  assert_false(result.ok());
  assert_null(strchr(result.error().message().c_str(), '\x1b'));
  ASSERT_ERROR_CONTAINS(parse("[1\x1b[31m]"), "']' expected near '\\x1b'");
  ASSERT_ERROR_CONTAINS(parse("[\"\\u12\x1b\"]"), "invalid escape near '\"\\u12\\x1b'");
}

}  // namespace

RUN_TESTS("json/parse", cmocka_unit_test(test_parses_values), cmocka_unit_test(test_size_limit),
          cmocka_unit_test(test_depth_limit), cmocka_unit_test(test_deep_nesting_cannot_exhaust_the_stack),
          cmocka_unit_test(test_truncated_documents), cmocka_unit_test(test_trailing_garbage),
          cmocka_unit_test(test_invalid_syntax), cmocka_unit_test(test_invalid_escapes),
          cmocka_unit_test(test_lone_surrogates_are_rejected), cmocka_unit_test(test_invalid_utf8),
          cmocka_unit_test(test_nul_bytes_are_rejected), cmocka_unit_test(test_duplicate_keys_are_rejected),
          cmocka_unit_test(test_huge_numbers), cmocka_unit_test(test_error_text_is_escaped))
