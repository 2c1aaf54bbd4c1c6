// The HTTP/1.x request parser of the agent's servers (HttpRequestParser),
// which reads bytes from a local client, then the query string decoder.
// Input: one byte choosing how the rest is cut into feed() calls (1 to 64
// bytes each), then the bytes of the connection. The parser is incremental,
// so the outcome must not depend on the cut: fed at once or piece by piece,
// the same request comes out, or both fail.
#include <stddef.h>
#include <stdint.h>

#include "lib/http/query.h"
#include "lib/http/request_parser.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using State = bp::HttpRequestParser::State;

bp::HttpRequestLimits limits() {
  bp::HttpRequestLimits limits;
  limits.max_request_line = 512;
  limits.max_head_bytes = 2048;
  limits.max_header_count = 16;
  limits.max_body_bytes = 1024;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::FuzzInput input(data, size);
  size_t piece = input.u8() % 64 + 1;
  bp::ByteView stream = input.rest();

  bp::HttpRequestParser whole(limits());
  State whole_state = whole.feed(stream);

  bp::HttpRequestParser pieces(limits());
  State state = State::need_more;
  for (size_t at = 0; at < stream.size() && state == State::need_more; at += piece) {
    state = pieces.feed(stream.subview(at, piece));
    FUZZ_CHECK(state == pieces.state());
  }
  FUZZ_CHECK(state == whole_state);
  if (state == State::failed) {
    // Which problem is reported first may depend on the split: a request
    // line that is too long and holds a bare LF further on fails with 414
    // when the limit is reached before the LF arrives, with 400 otherwise.
    FUZZ_CHECK(whole.error_status() >= 400 && pieces.error_status() >= 400);
    FUZZ_CHECK(!whole.error_message().empty() && !pieces.error_message().empty());
    return 0;
  }
  if (state != State::complete) return 0;
  const bp::ParsedHttpRequest &a = whole.request();
  const bp::ParsedHttpRequest &b = pieces.request();
  FUZZ_CHECK(a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query);
  FUZZ_CHECK(a.minor_version == b.minor_version && a.body == b.body && a.headers.size() == b.headers.size());
  for (size_t i = 0; i < a.headers.size(); ++i) {
    FUZZ_CHECK(a.headers[i].name == b.headers[i].name && a.headers[i].value == b.headers[i].value);
  }
  FUZZ_CHECK(!a.method.empty() && !a.path.empty() && a.path[0] == '/');
  FUZZ_CHECK(a.body.size() <= 1024 && a.headers.size() <= 16);

  auto query = bp::parse_query(a.query);
  if (query.ok()) {
    for (const auto &parameter : query.value()) {
      const std::string *found = bp::find_parameter(query.value(), parameter.first);
      FUZZ_CHECK(found != nullptr && *found == parameter.second);
    }
  }
  return 0;
}
