// Serialising an HTTP/1.1 request. Header names and values, the method and
// the target are checked so that nothing (a cookie value from the server, a
// resource path from the config) can inject CR/LF into the request.
#pragma once

#include <string>

#include "lib/core/result.h"
#include "lib/http/message.h"

namespace bp {

// Adds Host, and Content-Length for a body (or for POST/PUT without one).
// The request's own headers must not set Host, Content-Length,
// Transfer-Encoding or Connection.
Result<Bytes> serialize_request(const HttpClientRequest &request, const std::string &host);

}  // namespace bp
