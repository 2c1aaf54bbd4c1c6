// Incremental parser for one HTTP/1.x request from an untrusted client
// (RFC 9112), with limits on every dimension so a client cannot make the
// server buffer without bound.
//
// Strict where leniency has caused request smuggling elsewhere: lines end in
// CRLF (a bare LF or CR is an error), no obsolete line folding, no whitespace
// before a header's colon, one Host header on HTTP/1.1, Content-Length only
// (Transfer-Encoding is refused), only origin-form targets ("/path?query").
// Bytes after the request are ignored: the server answers one request per
// connection and closes it.
#pragma once

#include <stddef.h>

#include <string>
#include <string_view>

#include "lib/core/bytes.h"
#include "lib/http/request.h"

namespace bp {

struct HttpRequestLimits {
  size_t max_request_line = 4096;  // without its CRLF; longer: 414
  size_t max_head_bytes = 16384;   // request line, headers and the blank line; more: 431
  size_t max_header_count = 64;    // more: 431
  size_t max_body_bytes = 0;       // a larger Content-Length: 413
};

class HttpRequestParser {
 public:
  enum class State { need_more, complete, failed };

  explicit HttpRequestParser(HttpRequestLimits limits = {}) : limits_(limits) {}

  // Takes the next bytes from the client.
  State feed(ByteView data);

  State state() const { return state_; }
  // When complete.
  ParsedHttpRequest &request() { return request_; }
  // When failed: the status to answer with (400, 413, 414, 431, 501, 505) and
  // what was wrong, for the response body and the log.
  int error_status() const { return error_status_; }
  const std::string &error_message() const { return error_message_; }

 private:
  State fail(int status, std::string message);
  State parse_head(std::string_view head);
  State parse_request_line(std::string_view line);
  State parse_header_line(std::string_view line);
  State check_framing();
  State take_body(ByteView data);

  HttpRequestLimits limits_;
  State state_ = State::need_more;
  std::string head_;
  bool head_done_ = false;
  size_t body_expected_ = 0;
  ParsedHttpRequest request_;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace bp
