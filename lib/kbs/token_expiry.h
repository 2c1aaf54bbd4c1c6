// When an attestation token (a JWT, RFC 7519) stops being accepted: its
// "exp" claim, read without checking the signature. Only the guest's own
// scheduling depends on it (re-attest shortly before the broker would say
// 401; a 401 re-attests anyway), so a wrong value costs one round trip,
// never access. The payload comes from the broker: parsed with limits.
#pragma once

#include <stdint.h>

#include <optional>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp::kbs {

// The "exp" claim in seconds since the epoch, or nothing when the token has
// none. A token that is not three base64url segments, or whose payload is
// not a JSON object, or whose "exp" is not a non-negative integer, is an
// error.
Result<std::optional<int64_t>> token_expiry(ByteView token);

}  // namespace bp::kbs
