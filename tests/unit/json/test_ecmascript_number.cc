// Number serialisation of RFC 8785 section 3.2.2.3 (ECMAScript
// Number::toString): RFC 8785 Appendix B, and values printed by an
// independent implementation (node's Number.prototype.toString).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json/ecmascript_number.h"
#include "tests/unit/test_support.h"

namespace {

struct Vector {
  uint64_t bits;
  const char *text;
};

double from_bits(uint64_t bits) {
  double value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

void check(const Vector *vectors, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    std::string text = ASSERT_OK(bp::format_ecmascript_number(from_bits(vectors[i].bits)));
    if (text != vectors[i].text)
      fail_msg("%016llx: got %s, wanted %s", static_cast<unsigned long long>(vectors[i].bits), text.c_str(),
               vectors[i].text);
  }
}

// RFC 8785, Appendix B (the NaN and Infinity rows are errors; see below).
const Vector kAppendixB[] = {
    {0x0000000000000000ULL, "0"},
    {0x8000000000000000ULL, "0"},  // -0
    {0x0000000000000001ULL, "5e-324"},
    {0x8000000000000001ULL, "-5e-324"},
    {0x7fefffffffffffffULL, "1.7976931348623157e+308"},
    {0xffefffffffffffffULL, "-1.7976931348623157e+308"},
    {0x4340000000000000ULL, "9007199254740992"},
    {0xc340000000000000ULL, "-9007199254740992"},
    {0x4430000000000000ULL, "295147905179352830000"},
    {0x44b52d02c7e14af5ULL, "9.999999999999997e+22"},
    {0x44b52d02c7e14af6ULL, "1e+23"},
    {0x44b52d02c7e14af7ULL, "1.0000000000000001e+23"},
    {0x444b1ae4d6e2ef4eULL, "999999999999999700000"},
    {0x444b1ae4d6e2ef4fULL, "999999999999999900000"},
    {0x444b1ae4d6e2ef50ULL, "1e+21"},
    {0x3eb0c6f7a0b5ed8cULL, "9.999999999999997e-7"},
    {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
    {0x41b3de4355555553ULL, "333333333.3333332"},
    {0x41b3de4355555554ULL, "333333333.33333325"},
    {0x41b3de4355555555ULL, "333333333.3333333"},
    {0x41b3de4355555556ULL, "333333333.3333334"},
    {0x41b3de4355555557ULL, "333333333.33333343"},
    {0xbecbf647612f3696ULL, "-0.0000033333333333333333"},
    {0x43143ff3c1cb0959ULL, "1424953923781206.2"},
};

// Pseudo-random bit patterns and hand-picked values, printed by node.
const Vector kNode[] = {
    {0xdc1b77ae0bf34dadULL, "-4.9911105725155504e+135"},
    {0x64f0eeb9026e6076ULL, "1.715373926431966e+178"},
    {0x7b07ce91e5906136ULL, "4.4251604027143375e+284"},
    {0x305f050c368dcc74ULL, "1.0715660391465826e-75"},
    {0x2ceb16e0a1c54aecULL, "2.5973481493288907e-92"},
    {0x97101dce4e7bfb79ULL, "-1.3475090132806154e-197"},
    {0x9ad2e144d6e8f2cfULL, "-1.81996730402717e-179"},
    {0xd9aa792e1af470eaULL, "-8.750186241947517e+123"},
    {0xddaa4e85b0d6e28bULL, "-1.603964615428183e+143"},
    {0x8f8ea9d349428d8eULL, "-9.643915712060552e-234"},
    {0x08f474ffb8e8ab15ULL, "1.5860846119992697e-265"},
    {0x2ead854756d71f03ULL, "7.597954524892738e-84"},
    {0x55bc79f8ada711fdULL, "1.0204796945730538e+105"},
    {0x0e1fc49bd63b809eULL, "1.1910593176322935e-240"},
    {0xb92199e83f5a101fULL, "-1.694933913128696e-33"},
    {0xc5765079fc5d43ffULL, "-4.3162252145519944e+26"},
    {0x353cfc387dfae6b8ULL, "3.0261999441573203e-52"},
    {0xa32edabf5585bd75ULL, "-3.238696681491661e-139"},
    {0xfc5639b16b714b4fULL, "-8.663725837306241e+290"},
    {0x92fb2dcfc8ae9a19ULL, "-3.0797526843217145e-217"},
    {0x544b0ec76d00616dULL, "1.15589923121874e+98"},
    {0xbcbb9b7e9a319aefULL, "-3.831296467316889e-16"},
    {0x0f1a50d59c0aa21aULL, "6.466053826432699e-236"},
    {0x80ae2120826571deULL, "-2.1452846540129615e-305"},
    {0x3fb999999999999aULL, "0.1"},
    {0x3fd3333333333334ULL, "0.30000000000000004"},
    {0x3fd5555555555555ULL, "0.3333333333333333"},
    {0x4059000000000000ULL, "100"},
    {0x444b1ae4d6e2ef50ULL, "1e+21"},
    {0x3eb0c6f7a0b5ed8dULL, "0.000001"},
    {0x3e7ad7f29abcaf48ULL, "1e-7"},
    {0x3c36b082c2148b8eULL, "1.23e-18"},
    {0x4011666666666666ULL, "4.35"},
    {0x3eb4b3fd5942cd96ULL, "0.000001234"},
    {0x4415af1d78b58c40ULL, "100000000000000000000"},
    {0x4340000000000001ULL, "9007199254740994"},
    {0x0000000000000003ULL, "1.5e-323"},
    {0x3ea0c6f7a0b5ed8dULL, "5e-7"},
    {0x41678c29dccccccdULL, "12345678.9"},
    {0x7e41eb2d66005835ULL, "1.5e+300"},
    {0x81a56e1fc2f8f359ULL, "-1e-300"},
};

void test_rfc8785_appendix_b(void **) { check(kAppendixB, sizeof kAppendixB / sizeof kAppendixB[0]); }

void test_independent_values(void **) { check(kNode, sizeof kNode / sizeof kNode[0]); }

void test_notation_boundaries(void **) {
  const struct {
    double value;
    const char *text;
  } cases[] = {
      {1, "1"},        {-1, "-1"},          {1.5, "1.5"},        {1e20, "100000000000000000000"},
      {1e21, "1e+21"}, {1.5e21, "1.5e+21"}, {1e-6, "0.000001"},  {1.5e-6, "0.0000015"},
      {1e-7, "1e-7"},  {1.5e-7, "1.5e-7"},  {123e-9, "1.23e-7"}, {0.5, "0.5"},
      {2e-3, "0.002"}, {4.50, "4.5"},       {1e30, "1e+30"},     {1e-27, "1e-27"},
  };
  for (const auto &c : cases) {
    std::string text = ASSERT_OK(bp::format_ecmascript_number(c.value));
    if (text != c.text) fail_msg("%.17g: got %s, wanted %s", c.value, text.c_str(), c.text);
  }
}

void test_nan_and_infinity_are_errors(void **) {
  ASSERT_ERROR_CONTAINS(bp::format_ecmascript_number(from_bits(0x7fffffffffffffffULL)), "NaN and infinite");
  ASSERT_ERROR_CONTAINS(bp::format_ecmascript_number(NAN), "NaN and infinite");
  ASSERT_ERROR_CONTAINS(bp::format_ecmascript_number(from_bits(0x7ff0000000000000ULL)), "NaN and infinite");
  ASSERT_ERROR_CONTAINS(bp::format_ecmascript_number(-INFINITY), "NaN and infinite");
}

// Whatever the digits, they must read back as the same double.
void test_round_trip(void **) {
  uint64_t state = 0x243f6a8885a308d3ULL;
  for (int i = 0; i < 20000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    double value = from_bits(state);
    if (!isfinite(value)) continue;
    std::string text = ASSERT_OK(bp::format_ecmascript_number(value));
    if (strtod(text.c_str(), nullptr) != value && !(value == 0))
      fail_msg("%016llx: %s does not read back", static_cast<unsigned long long>(state), text.c_str());
  }
}

}  // namespace

RUN_TESTS("json/ecmascript_number", cmocka_unit_test(test_rfc8785_appendix_b),
          cmocka_unit_test(test_independent_values), cmocka_unit_test(test_notation_boundaries),
          cmocka_unit_test(test_nan_and_infinity_are_errors), cmocka_unit_test(test_round_trip))
