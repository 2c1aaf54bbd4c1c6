// An incremental HTTP/1.1 response parser for bytes from an untrusted server
// (RFC 9112): status line, header fields, then a body framed by
// Content-Length, by chunked transfer coding, or by the connection closing.
// Strict: lines end in CRLF, no obsolete line folding, no whitespace before
// a header's colon, Content-Length and Transfer-Encoding never together,
// conflicting Content-Lengths rejected, chunk sizes checked for overflow.
// Every size a server controls is bounded by HttpLimits, and a size is
// checked before anything is allocated for it. Interim 1xx responses are
// skipped.
#pragma once

#include <stdint.h>

#include <string>

#include "lib/core/result.h"
#include "lib/http/message.h"

namespace bp {

class HttpResponseParser {
 public:
  explicit HttpResponseParser(const HttpLimits &limits = HttpLimits{}) : limits_(limits) {}

  // Consumes bytes. Returns how many were used: all of them unless the
  // response completed, in which case the rest is not part of it. After an
  // error the parser stays failed.
  Result<size_t> feed(ByteView data);
  // The server closed the connection: completes a body that runs to the
  // close, anything else is a truncated response.
  Status end_of_stream();

  bool complete() const { return state_ == State::done; }
  // Whether any byte of a response has arrived (a request that got no byte
  // back may be retried on a new connection).
  bool started() const { return started_; }
  // The complete response (call once, after complete()).
  HttpClientResponse take() { return std::move(response_); }

 private:
  enum class State {
    status_line,
    header_line,
    body_length,
    body_until_close,
    chunk_size,
    chunk_data,
    chunk_data_end,
    trailer_line,
    done,
    failed,
  };

  Status on_line(std::string_view line);
  Status on_status_line(std::string_view line);
  Status on_field_line(std::string_view line, bool trailer);
  Status on_headers_complete();
  Status on_chunk_size_line(std::string_view line);
  Error fail(const std::string &message);

  HttpLimits limits_;
  State state_ = State::status_line;
  HttpClientResponse response_;
  std::string line_;
  bool started_ = false;
  size_t header_count_ = 0;
  size_t header_bytes_ = 0;
  int interim_responses_ = 0;
  uint64_t remaining_ = 0;  // of the body or the current chunk
};

}  // namespace bp
