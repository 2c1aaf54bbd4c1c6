// An HTTP/1.1 response and its serialisation. Every response closes the
// connection (one request per connection keeps the server simple and its
// memory per client bounded).
#pragma once

#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/secret_bytes.h"
#include "lib/http/request.h"

namespace bp {

struct HttpReply {
  int status = 200;
  std::string content_type;         // omitted when empty
  std::vector<HttpHeader> headers;  // more fields, as written (e.g. {"Allow", "GET"})
  std::string body;
  // Sent instead of body when not empty: secrets (a resource's plaintext, a
  // private key) stay in locked memory that is zeroed after sending.
  SecretBytes secret_body;

  static HttpReply text(int status, std::string body);

  ByteView body_view() const { return secret_body.empty() ? ByteView::of_string(body) : secret_body.view(); }
};

// "OK", "Not Found", ...; "Unknown" for codes this server never sends.
const char *http_reason_phrase(int status);

// Status line and header fields up to and including the blank line, with
// Content-Length of the body and "Connection: close".
std::string http_response_head(const HttpReply &response);

}  // namespace bp
