// Object identifiers between their DER contents and dotted-decimal text.
#pragma once

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

// The contents octets of a DER OBJECT IDENTIFIER (no tag or length) to
// "1.2.840.113549.1.1.10". Rejects empty, truncated and non-minimal arcs,
// and arcs wider than 64 bits.
Result<std::string> oid_to_string(ByteView contents);

}  // namespace bp
