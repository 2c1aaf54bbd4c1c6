// UUIDs as 16 bytes in RFC 4122 order (as the text form reads).
#pragma once

#include <stdint.h>

#include <array>
#include <string>
#include <string_view>

#include "lib/core/result.h"

namespace bp {

using Uuid = std::array<uint8_t, 16>;

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", either case.
Result<Uuid> parse_uuid(std::string_view text);
std::string format_uuid(const Uuid &uuid);  // lower case
// Version 4 (random), variant 1, from the given 16 random bytes.
Uuid uuid_v4_from_random(const Uuid &random);

}  // namespace bp
