// ECMAScript's Number::toString (ECMA-262, Number::toString with radix 10):
// the shortest decimal that reads back as the same double, in the notation
// JavaScript prints. RFC 8785 section 3.2.2.3 serialises every JSON number
// this way. NaN and infinities have no JSON form and are errors.
#pragma once

#include <string>

#include "lib/core/result.h"

namespace bp {

Result<std::string> format_ecmascript_number(double value);

}  // namespace bp
