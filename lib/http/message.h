// HTTP/1.1 messages as the client sees them (RFC 9110/9112): a request to
// send and a response received from an untrusted server.
#pragma once

#include <stddef.h>

#include <string>
#include <string_view>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/http/header.h"

namespace bp {

struct HttpClientRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // origin-form: "/kbs/v0/auth"
  std::vector<HttpHeader> headers;
  Bytes body;  // sent with Content-Length when the method is POST/PUT or the body is non-empty
};

struct HttpClientResponse {
  int status = 0;
  std::string reason;
  std::vector<HttpHeader> headers;  // names in lower case, in arrival order
  Bytes body;
  bool keep_alive = false;  // the connection can carry the next request

  // The first header with this (lower-case) name, or nullptr.
  const std::string *header(std::string_view name) const;
  // Every value of a header that may repeat (Set-Cookie).
  std::vector<std::string> headers_named(std::string_view name) const;
};

// Bounds for everything a server controls.
struct HttpLimits {
  size_t max_line = 8192;  // status line, header line, chunk-size line
  size_t max_headers = 100;
  size_t max_header_bytes = size_t{64} * 1024;  // all header lines together, trailers included
  size_t max_body = size_t{1024} * 1024;
};

}  // namespace bp
