// Serialising a Json value as text.
//
// Both forms write no whitespace, escape strings as RFC 8785 section 3.2.2.2
// says (only '"', '\\' and control characters; \b \t \n \f \r by name, the
// others as \u00xx in lower case; everything else as UTF-8) and write numbers
// as ECMAScript does (shortest round trip; ecmascript_number.h).
#pragma once

#include <string>

#include "lib/core/result.h"
#include "lib/json/json.h"

namespace bp {

// Object members in insertion (document) order, so output follows the order
// the builder was given. Integers of any int64 value are written exactly; a
// real of magnitude 2^63 or more keeps an exponent ("1e+20", where ECMAScript
// writes 100000000000000000000) so that parse_json can read the output back.
Result<std::string> json_compact(const Json &value);

// RFC 8785 JSON Canonicalization Scheme: members sorted by the UTF-16 code
// units of their keys. Integers beyond +-2^53 are an error: JCS works on
// IEEE doubles, and a hash over a silently rounded value would not match what
// a JavaScript-number implementation (the KBS's serde_json_canonicalizer)
// computes for the same document.
Result<std::string> json_canonical(const Json &value);

}  // namespace bp
