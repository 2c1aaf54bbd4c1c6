// cmocka helpers for Result-returning code: on failure the error message is
// printed, so a failing test says why.
#pragma once

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
extern "C" {
#include <cmocka.h>
}
// cmocka's skip() macro would hijack methods named skip (ByteReader::skip).
#undef skip
#define SKIP_TEST() _skip(__FILE__, __LINE__)
// clang-format on

#include <string.h>

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/encoding.h"
#include "lib/core/result.h"

#define ASSERT_OK(expr)                                                                            \
  ({                                                                                               \
    auto assert_result_ = (expr);                                                                  \
    if (!assert_result_.ok()) fail_msg("%s: %s", #expr, assert_result_.error().message().c_str()); \
    assert_result_.release_value();                                                                \
  })

// Asserts that expr fails and that its message contains the given text.
#define ASSERT_ERROR_CONTAINS(expr, text)                                                               \
  do {                                                                                                  \
    auto assert_result_ = (expr);                                                                       \
    if (assert_result_.ok()) fail_msg("%s: expected an error containing '%s'", #expr, text);            \
    if (assert_result_.error().message().find(text) == std::string::npos)                               \
      fail_msg("%s: error '%s' does not contain '%s'", #expr, assert_result_.error().message().c_str(), \
               text);                                                                                   \
  } while (0)

// Asserts that a string contains the given text.
#define ASSERT_TEXT_CONTAINS(text, part)                                                                    \
  do {                                                                                                      \
    std::string text_ = (text);                                                                             \
    if (text_.find(part) == std::string::npos) fail_msg("'%s' does not contain '%s'", text_.c_str(), part); \
  } while (0)

#define ASSERT_BYTES_EQUAL(actual, expected_hex)                                             \
  do {                                                                                       \
    std::string actual_hex_ = bp::hex_encode(actual);                                        \
    if (actual_hex_ != (expected_hex))                                                       \
      fail_msg("got %s\nwanted %s", actual_hex_.c_str(), std::string(expected_hex).c_str()); \
  } while (0)

inline bp::Bytes unhex(const char *hex) {
  auto r = bp::hex_decode(hex);
  if (!r.ok()) fail_msg("bad hex in test: %s", hex);
  return r.release_value();
}

#define RUN_TESTS(name, ...)                                           \
  int main(void) {                                                     \
    const struct CMUnitTest tests[] = {__VA_ARGS__};                   \
    return cmocka_run_group_tests_name(name, tests, nullptr, nullptr); \
  }
