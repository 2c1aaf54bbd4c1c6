// RFC 3339 timestamps ("2025-06-01T12:00:00Z", "2025-06-01T14:00:00.5+02:00")
// to and from seconds since the Unix epoch, without the C library's time zone
// state.
#pragma once

#include <stdint.h>

#include <string>
#include <string_view>

#include "lib/core/result.h"

namespace bp {

// date-time of RFC 3339 section 5.6: 'T' or 't' (or a space, which the RFC
// allows as an application choice), a 'Z' or numeric offset, and optional
// fractional seconds (dropped: certificates count whole seconds). A leap
// second (:60) counts as the last second of its minute. Years 0000-9999.
Result<int64_t> parse_rfc3339(std::string_view text);

// "2025-06-01T12:00:00Z".
std::string format_rfc3339(int64_t seconds);

}  // namespace bp
