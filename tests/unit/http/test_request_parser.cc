// The HTTP request parser: well-formed requests, every limit, and the
// malformed inputs that must be refused with the right status.
#include <string>

#include "lib/http/request_parser.h"
#include "tests/unit/test_support.h"

namespace {

using State = bp::HttpRequestParser::State;

State feed_all(bp::HttpRequestParser &parser, const std::string &text) {
  return parser.feed(bp::ByteView::of_string(text));
}

// Feeds the text and expects a refusal with this status and message part.
void expect_refused(const std::string &text, int status, const char *message,
                    bp::HttpRequestLimits limits = {}) {
  bp::HttpRequestParser parser(limits);
  State state = feed_all(parser, text);
  if (state != State::failed) fail_msg("accepted: %s", text.c_str());
  if (parser.error_status() != status)
    fail_msg("status %d (%s), wanted %d", parser.error_status(), parser.error_message().c_str(), status);
  if (parser.error_message().find(message) == std::string::npos)
    fail_msg("message '%s' lacks '%s'", parser.error_message().c_str(), message);
}

void test_simple_get(void **) {
  bp::HttpRequestParser parser;
  assert_int_equal(feed_all(parser,
                            "GET /aa/token?token_type=kbs HTTP/1.1\r\nHost: 127.0.0.1:8006\r\n"
                            "User-Agent: curl/7.88\r\nAccept: */*\r\n\r\n"),
                   State::complete);
  bp::ParsedHttpRequest &r = parser.request();
  assert_string_equal(r.method.c_str(), "GET");
  assert_string_equal(r.target.c_str(), "/aa/token?token_type=kbs");
  assert_string_equal(r.path.c_str(), "/aa/token");
  assert_string_equal(r.query.c_str(), "token_type=kbs");
  assert_int_equal(r.minor_version, 1);
  assert_int_equal(r.headers.size(), 3);
  assert_non_null(r.header("user-agent"));
  assert_string_equal(r.header("host")->c_str(), "127.0.0.1:8006");
  assert_null(r.header("cookie"));
  assert_true(r.body.empty());
}

void test_byte_by_byte(void **) {
  std::string text = "GET /cdh/resource/default/key/1 HTTP/1.0\r\nX-A:  padded value \t\r\n\r\n";
  bp::HttpRequestParser parser;
  for (size_t i = 0; i + 1 < text.size(); ++i)
    assert_int_equal(parser.feed(bp::ByteView::of_string(text.substr(i, 1))), State::need_more);
  assert_int_equal(parser.feed(bp::ByteView::of_string(text.substr(text.size() - 1))), State::complete);
  assert_int_equal(parser.request().minor_version, 0);  // HTTP/1.0 needs no Host
  assert_string_equal(parser.request().header("x-a")->c_str(), "padded value");
  assert_string_equal(parser.request().query.c_str(), "");
}

void test_body_within_limit(void **) {
  bp::HttpRequestLimits limits;
  limits.max_body_bytes = 10;
  bp::HttpRequestParser parser(limits);
  assert_int_equal(feed_all(parser, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123"),
                   State::need_more);
  // Bytes after the body are ignored (one request per connection).
  assert_int_equal(feed_all(parser, "456789GET /next"), State::complete);
  assert_string_equal(std::string(parser.request().body.begin(), parser.request().body.end()).c_str(),
                      "0123456789");
  // Further input changes nothing.
  assert_int_equal(feed_all(parser, "more"), State::complete);
}

// A body may hold bare LFs and CRs (pretty-printed JSON): only the head's
// lines must end in CRLF, however the bytes are split into reads. Found by
// tests/fuzz (fuzz_http_request): in one read, the body's LF was refused.
void test_body_with_bare_line_ends(void **) {
  const std::string text = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n{\n\"a\"\r}";
  for (size_t split : {text.size(), text.size() - 7, size_t{20}}) {
    bp::HttpRequestLimits limits;
    limits.max_body_bytes = 16;
    bp::HttpRequestParser parser(limits);
    State state = feed_all(parser, text.substr(0, split));
    if (split < text.size()) state = feed_all(parser, text.substr(split));
    assert_int_equal(state, State::complete);
    assert_string_equal(std::string(parser.request().body.begin(), parser.request().body.end()).c_str(),
                        "{\n\"a\"\r}");
  }
  // Bytes after a complete request are ignored, whatever they are.
  bp::HttpRequestParser parser;
  assert_int_equal(feed_all(parser, "GET / HTTP/1.1\r\nHost: h\r\n\r\n\nx\ry"), State::complete);
}

void test_body_limits(void **) {
  expect_refused("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx", 413, "exceeds the limit of 0");
  expect_refused("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400,
                 "Content-Length");
  expect_refused("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400, "Content-Length");
  expect_refused("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n", 400,
                 "conflicting Content-Length");
  expect_refused("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0, 0\r\n\r\n", 400, "Content-Length");
  expect_refused("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 501,
                 "Transfer-Encoding");
  // Identical repeated lengths are one length.
  bp::HttpRequestParser parser;
  assert_int_equal(
      feed_all(parser, "GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-length: 0\r\n\r\n"),
      State::complete);
}

void test_malformed_request_lines(void **) {
  expect_refused("\r\n\r\n", 400, "empty request line");
  expect_refused("GET\r\n\r\n", 400, "malformed request line");
  expect_refused("GET /\r\n\r\n", 400, "malformed request line");
  expect_refused("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "malformed request line");
  expect_refused("GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n", 400, "malformed request line");
  expect_refused("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "malformed method");
  expect_refused("GET http://evil/ HTTP/1.1\r\nHost: h\r\n\r\n", 400, "not an absolute path");
  expect_refused("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400, "not an absolute path");
  expect_refused("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400, "byte 0x01");
  expect_refused("GET /\xff HTTP/1.1\r\nHost: h\r\n\r\n", 400, "byte 0xff");
  expect_refused("GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400, "protocol version");
  expect_refused("GET / HTTP/11\r\nHost: h\r\n\r\n", 400, "protocol version");
  expect_refused("GET / http/1.1\r\nHost: h\r\n\r\n", 400, "protocol version");
  expect_refused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "2.0");
  expect_refused("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505, "0.9");
}

void test_malformed_headers(void **) {
  expect_refused("GET / HTTP/1.1\nHost: h\r\n\r\n", 400, "bare CR or LF");
  // Refused at once, not after waiting for a blank line that never comes.
  expect_refused("GET / HTTP/1.1\nHost: h\n\n", 400, "bare CR or LF");
  expect_refused("GET / HTTP/1.1\r\nHost: h\rx", 400, "bare CR or LF");
  expect_refused("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400, "bare CR or LF");
  expect_refused("GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n", 400, "line folding");
  expect_refused("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "malformed header name");
  expect_refused("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400, "no colon");
  expect_refused("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", 400, "malformed header name");
  const char with_nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
  expect_refused(std::string(with_nul, sizeof(with_nul) - 1), 400, "byte 0x00");
  expect_refused("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n", 400, "byte 0x7f");
  expect_refused("GET / HTTP/1.1\r\n\r\n", 400, "without a Host");
  expect_refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "more than one Host");
}

void test_size_limits(void **) {
  bp::HttpRequestLimits limits;
  limits.max_request_line = 32;
  limits.max_head_bytes = 128;
  limits.max_header_count = 3;
  // A request line that never ends, fed in pieces, is refused as soon as it
  // is too long: no waiting for the head limit.
  bp::HttpRequestParser parser(limits);
  assert_int_equal(feed_all(parser, "GET /" + std::string(20, 'a')), State::need_more);
  assert_int_equal(feed_all(parser, std::string(20, 'a')), State::failed);
  assert_int_equal(parser.error_status(), 414);

  expect_refused("GET /" + std::string(40, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, "longer than 32",
                 limits);
  std::string many = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  expect_refused(many, 431, "more than 3 header fields", limits);
  // Headers that never end: refused at the head limit, having buffered no more.
  std::string endless = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'v');
  expect_refused(endless, 431, "larger than 128", limits);
  // Exactly at the limits is fine.
  std::string line = "GET /" + std::string(18, 'a') + " HTTP/1.1";  // 32 bytes
  assert_int_equal(line.size(), 32);
  bp::HttpRequestParser exact(limits);
  assert_int_equal(feed_all(exact, line + "\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n"), State::complete);
  // Also when a read ends between its CR and LF (found by tests/fuzz: the CR
  // was counted as a 33rd byte of the line).
  bp::HttpRequestParser split(limits);
  assert_int_equal(feed_all(split, line + "\r"), State::need_more);
  assert_int_equal(feed_all(split, "\nHost: h\r\n\r\n"), State::complete);
}

void test_garbage_never_crashes(void **) {
  // Deterministic pseudo-random bytes in random-sized pieces: the parser
  // must end in a definite state without reading out of bounds (ASan).
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  const char alphabet[] = "GET /\r\n: HTTP/1.1Host\x00\xff\t ";
  for (int round = 0; round < 300; ++round) {
    bp::HttpRequestLimits limits;
    limits.max_head_bytes = 64 + next() % 256;
    limits.max_body_bytes = next() % 16;
    bp::HttpRequestParser parser(limits);
    State state = State::need_more;
    for (int piece = 0; piece < 40 && state == State::need_more; ++piece) {
      std::string bytes;
      size_t length = next() % 24;
      for (size_t i = 0; i < length; ++i) bytes += alphabet[next() % (sizeof(alphabet) - 1)];
      state = parser.feed(bp::ByteView::of_string(bytes));
    }
    if (state == State::failed) {
      assert_true(parser.error_status() >= 400 && parser.error_status() < 600);
      assert_false(parser.error_message().empty());
    }
  }
}

}  // namespace

RUN_TESTS("http_request_parser", cmocka_unit_test(test_simple_get), cmocka_unit_test(test_byte_by_byte),
          cmocka_unit_test(test_body_within_limit), cmocka_unit_test(test_body_with_bare_line_ends),
          cmocka_unit_test(test_body_limits), cmocka_unit_test(test_malformed_request_lines),
          cmocka_unit_test(test_malformed_headers), cmocka_unit_test(test_size_limits),
          cmocka_unit_test(test_garbage_never_crashes))
