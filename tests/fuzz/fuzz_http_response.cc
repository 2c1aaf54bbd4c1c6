// The HTTP/1.1 response parser of the KBS client (HttpResponseParser),
// which reads bytes from the broker (or whoever answers on the host's
// network), then the Set-Cookie lookup and the broker error body. Input:
// one byte choosing how the rest is cut into feed() calls (1 to 64 bytes
// each), then the bytes of the connection, which then closes. Fed at once or
// piece by piece, the same response (or an error) must come out.
#include <stddef.h>
#include <stdint.h>

#include "lib/http/cookie.h"
#include "lib/http/response_parser.h"
#include "lib/kbs/protocol.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

bp::HttpLimits limits() {
  bp::HttpLimits limits;
  limits.max_line = 512;
  limits.max_headers = 16;
  limits.max_header_bytes = 4096;
  limits.max_body = 16384;
  return limits;
}

// Feeds the stream in pieces until the response completes or fails, then
// closes the connection if it is still open. Returns the response or the
// error.
bp::Result<bp::HttpClientResponse> parse(bp::ByteView stream, size_t piece) {
  bp::HttpResponseParser parser(limits());
  for (size_t at = 0; at < stream.size() && !parser.complete(); at += piece) {
    bp::ByteView part = stream.subview(at, piece);
    size_t used = TRY(parser.feed(part));
    FUZZ_CHECK(used <= part.size());
    FUZZ_CHECK(parser.complete() || used == part.size());
  }
  if (!parser.complete()) TRY(parser.end_of_stream());
  FUZZ_CHECK(parser.complete());
  return parser.take();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::FuzzInput input(data, size);
  size_t piece = input.u8() % 64 + 1;
  bp::ByteView stream = input.rest();

  auto whole = parse(stream, stream.size() + 1);
  auto pieces = parse(stream, piece);
  FUZZ_CHECK(whole.ok() == pieces.ok());
  if (!whole.ok()) return 0;
  const bp::HttpClientResponse &a = whole.value();
  const bp::HttpClientResponse &b = pieces.value();
  FUZZ_CHECK(a.status == b.status && a.reason == b.reason && a.body == b.body &&
             a.keep_alive == b.keep_alive);
  FUZZ_CHECK(a.headers.size() == b.headers.size());
  for (size_t i = 0; i < a.headers.size(); ++i) {
    FUZZ_CHECK(a.headers[i].name == b.headers[i].name && a.headers[i].value == b.headers[i].value);
  }
  FUZZ_CHECK(a.status >= 0 && a.status <= 999 && a.body.size() <= 16384);

  (void)bp::find_set_cookie(a, "kbs-session-id");
  bp::kbs::BrokerError error = bp::kbs::parse_error_body(a.body);
  (void)error.describe();
  return 0;
}
