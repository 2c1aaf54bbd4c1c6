// Strict parsing of numbers and small string helpers for untrusted text.
#pragma once

#include <stdint.h>

#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"

namespace bp {

// Decimal only, no sign, no whitespace, no overflow.
Result<uint64_t> parse_u64(std::string_view text);
// "0x" prefix optional; hex digits only.
Result<uint64_t> parse_hex_u64(std::string_view text);

std::vector<std::string_view> split(std::string_view text, char separator);
// "a; b; c": the parts with the separator between them.
std::string join(const std::vector<std::string> &parts, std::string_view separator);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
std::string to_lower(std::string_view text);

}  // namespace bp
