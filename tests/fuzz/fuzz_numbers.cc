// The strict number, address and UUID parsers that configuration values
// and header fields go through: parse_u64, parse_hex_u64
// (lib/core/strings.h), parse_ipv4, parse_ipv4_cidr (init/network.h) and
// parse_uuid (lib/core/uuid.h) and parse_rfc3339, on the whole input. They accept one
// spelling per value up to case and leading zeros (none in an address), so
// an accepted input prints back as itself (a time: reads back to the same
// second).
#include <stddef.h>
#include <stdint.h>

#include <algorithm>
#include <string>

#include "init/network.h"
#include "lib/core/format.h"
#include "lib/core/rfc3339.h"
#include "lib/core/strings.h"
#include "lib/core/uuid.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(bp::as_text(data, size));

  auto decimal = bp::parse_u64(text);
  if (decimal.ok()) {
    std::string digits = text.substr(std::min(text.find_first_not_of('0'), text.size() - 1));
    FUZZ_CHECK(bp::format("%llu", static_cast<unsigned long long>(decimal.value())) == digits);
  }
  auto hex = bp::parse_hex_u64(text);
  if (hex.ok()) {
    std::string digits = bp::to_lower(bp::starts_with(bp::to_lower(text), "0x") ? text.substr(2) : text);
    digits = digits.substr(std::min(digits.find_first_not_of('0'), digits.size() - 1));
    FUZZ_CHECK(bp::format("%llx", static_cast<unsigned long long>(hex.value())) == digits);
  }
  auto address = bp::parse_ipv4(text);
  if (address.ok()) FUZZ_CHECK(bp::format_ipv4(address.value()) == text);
  auto cidr = bp::parse_ipv4_cidr(text);
  if (cidr.ok()) {
    FUZZ_CHECK(cidr.value().prefix_length <= 32);
    FUZZ_CHECK(bp::starts_with(text, bp::format_ipv4(cidr.value().address) + "/"));
  }
  auto time = bp::parse_rfc3339(text);
  if (time.ok()) {
    auto again = bp::parse_rfc3339(bp::format_rfc3339(time.value()));
    FUZZ_CHECK(again.ok() && again.value() == time.value());
  }
  auto uuid = bp::parse_uuid(text);
  if (uuid.ok()) FUZZ_CHECK(bp::format_uuid(uuid.value()) == bp::to_lower(text));
  return 0;
}
