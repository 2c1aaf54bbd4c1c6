// The one cookie the KBS protocol needs: the value of a named cookie from
// the response's Set-Cookie headers (RFC 6265 section 4.1: name=value, then
// attributes the client does not need).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lib/core/result.h"
#include "lib/http/message.h"

namespace bp {

// The last Set-Cookie for `name` wins (as in a browser). A value with
// characters outside cookie-octet (RFC 6265) is an error, so it can be sent
// back in a Cookie header safely.
Result<std::optional<std::string>> find_set_cookie(const HttpClientResponse &response, std::string_view name);

}  // namespace bp
