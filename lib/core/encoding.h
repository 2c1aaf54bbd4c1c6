// Text encodings of bytes: hex and RFC 4648 base64 / base64url. Decoders are
// strict (they parse untrusted input): wrong characters, wrong padding and
// non-zero trailing bits are errors.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

std::string hex_encode(ByteView bytes);
// Accepts upper and lower case; the length must be even.
Result<Bytes> hex_decode(std::string_view text);

std::string base64_encode(ByteView bytes);           // with '=' padding
Result<Bytes> base64_decode(std::string_view text);  // padding required

// base64url without padding (RFC 7515 section 2, as JOSE uses it).
std::string base64url_encode(ByteView bytes);
// Padding is optional but, when present, must be correct.
Result<Bytes> base64url_decode(std::string_view text);

}  // namespace bp
