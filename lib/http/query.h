// The query string of a request target, decoded as
// application/x-www-form-urlencoded (what Confidential Containers'
// api-server-rest reads its parameters with): pairs separated by '&', '+'
// for a space, %XX escapes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/result.h"

namespace bp {

// Strict: a '%' not followed by two hex digits is an error.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=&c" gives {a,1}, {b,""}, {c,""}; empty pieces ("a=1&&b=2") are
// skipped. A name given twice is an error: which one counts would be a guess.
Result<QueryParameters> parse_query(std::string_view query);

// The value of the parameter, or nullptr.
const std::string *find_parameter(const QueryParameters &parameters, std::string_view name);

}  // namespace bp
