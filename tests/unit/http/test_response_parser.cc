// The HTTP/1.1 response parser on well-formed, truncated, oversized and
// malformed responses, fed whole and one byte at a time.
#include <string>

#include "lib/http/cookie.h"
#include "lib/http/request_writer.h"
#include "lib/http/response_parser.h"
#include "tests/unit/test_support.h"

namespace {

// Feeds `text` in pieces of `step` bytes; at the end of the input, tells the
// parser the stream ended if the response is not complete yet. `rest` gets
// the bytes after the response.
bp::Result<bp::HttpClientResponse> parse(const std::string &text, size_t step = SIZE_MAX,
                                         bp::HttpLimits limits = {}, std::string *rest = nullptr) {
  bp::HttpResponseParser parser(limits);
  size_t at = 0;
  while (at < text.size() && !parser.complete()) {
    size_t n = std::min(step, text.size() - at);
    size_t used = TRY(parser.feed(bp::ByteView(reinterpret_cast<const uint8_t *>(text.data()) + at, n)));
    at += used;
    if (used < n) break;
  }
  if (!parser.complete()) TRY(parser.end_of_stream());
  if (rest != nullptr) *rest = text.substr(at);
  return parser.take();
}

std::string body_of(const bp::HttpClientResponse &r) { return std::string(r.body.begin(), r.body.end()); }

void test_content_length(void **) {
  const std::string text =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
      "11\r\nX-Empty:\r\n\r\n{\"a\":\"bc\"}\n";
  for (size_t step : {SIZE_MAX, size_t{1}, size_t{7}}) {
    bp::HttpClientResponse r = ASSERT_OK(parse(text, step));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.reason.c_str(), "OK");
    assert_true(r.keep_alive);
    assert_string_equal(r.header("content-type")->c_str(), "application/json");
    assert_string_equal(r.header("x-empty")->c_str(), "");
    assert_null(r.header("Content-Type"));  // names are stored in lower case
    assert_string_equal(body_of(r).c_str(), "{\"a\":\"bc\"}\n");
  }
}

void test_keep_alive_rules(void **) {
  bp::HttpClientResponse r =
      ASSERT_OK(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
  assert_false(r.keep_alive);
  r = ASSERT_OK(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
  assert_false(r.keep_alive);
  r = ASSERT_OK(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"));
  assert_true(r.keep_alive);
  r = ASSERT_OK(parse("HTTP/1.1 204 No Content\r\n\r\n"));
  assert_true(r.keep_alive);
  assert_true(r.body.empty());
  // No framing: the body runs to the close, and the connection cannot be reused.
  r = ASSERT_OK(parse("HTTP/1.1 200 OK\r\n\r\nuntil the end"));
  assert_false(r.keep_alive);
  assert_string_equal(body_of(r).c_str(), "until the end");
  // A reason phrase is optional.
  r = ASSERT_OK(parse("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n"));
  assert_int_equal(r.status, 404);
}

void test_bytes_after_the_response(void **) {
  std::string rest;
  bp::HttpClientResponse r =
      ASSERT_OK(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1", SIZE_MAX, {}, &rest));
  assert_string_equal(body_of(r).c_str(), "hi");
  assert_string_equal(rest.c_str(), "HTTP/1.1");
}

void test_interim_responses(void **) {
  bp::HttpClientResponse r =
      ASSERT_OK(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
                      "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz"));
  assert_int_equal(r.status, 201);
  assert_int_equal(r.headers.size(), 1);
  std::string many;
  for (int i = 0; i < 9; ++i) many += "HTTP/1.1 100 Continue\r\n\r\n";
  ASSERT_ERROR_CONTAINS(parse(many), "too many interim");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 101 Switching Protocols\r\n\r\n"), "101");
}

void test_chunked(void **) {
  const std::string text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n"
      "1;ext=\"quoted; value\";flag\r\n,\r\n"
      "A \r\n 0123456\r\n\r\n"  // upper-case hex, whitespace before CRLF, data holding CRLF
      "000\r\n"
      "Trailer-Field: x\r\n\r\n";
  for (size_t step : {SIZE_MAX, size_t{1}, size_t{3}}) {
    bp::HttpClientResponse r = ASSERT_OK(parse(text, step));
    assert_string_equal(body_of(r).c_str(), "hello, 0123456\r\n");
    assert_null(r.header("trailer-field"));  // trailers are not kept
    assert_true(r.keep_alive);
  }
  bp::HttpClientResponse empty =
      ASSERT_OK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n"));
  assert_true(empty.body.empty());
}

void test_chunked_errors(void **) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_ERROR_CONTAINS(parse(head + "x\r\n"), "malformed chunk size line");
  ASSERT_ERROR_CONTAINS(parse(head + "\r\n"), "malformed chunk size line");
  ASSERT_ERROR_CONTAINS(parse(head + "-1\r\n"), "malformed chunk size line");
  ASSERT_ERROR_CONTAINS(parse(head + "5 x\r\n"), "malformed chunk size line");
  ASSERT_ERROR_CONTAINS(parse(head + "ffffffffffffffffff\r\n"), "chunk size overflows");
  ASSERT_ERROR_CONTAINS(parse(head + "ffffffffffffffff\r\n"), "larger than the limit");
  ASSERT_ERROR_CONTAINS(parse(head + "3\r\nabcd\r\n0\r\n\r\n"), "chunk data is longer than its size");
  ASSERT_ERROR_CONTAINS(parse(head + "3\r\nabc0\r\n\r\n"), "chunk data is longer than its size");
  ASSERT_ERROR_CONTAINS(parse(head + "3\nabc\r\n0\r\n\r\n"), "LF without CR");
  ASSERT_ERROR_CONTAINS(parse(head + "3\r\nabc\r\n0\r\n"), "closed before the response was complete");
  ASSERT_ERROR_CONTAINS(parse(head + "3\r\nab"), "closed before the response was complete");
  ASSERT_ERROR_CONTAINS(parse(head + "1;\x01\r\nx\r\n0\r\n\r\n"), "control character in a chunk extension");
  // Many small chunks still count against the body limit.
  bp::HttpLimits limits;
  limits.max_body = 10;
  std::string chunks = head;
  for (int i = 0; i < 11; ++i) chunks += "1\r\nx\r\n";
  ASSERT_ERROR_CONTAINS(parse(chunks + "0\r\n\r\n", SIZE_MAX, limits),
                        "chunked body is larger than the limit of 10");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
                        "unsupported Transfer-Encoding");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
                        "both Transfer-Encoding and Content-Length");
}

void test_content_length_errors(void **) {
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
                        "5 bytes of the body missing");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), "invalid Content-Length");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n"), "invalid Content-Length");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
                        "invalid Content-Length");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx"),
                        "conflicting Content-Length");
  bp::HttpClientResponse same =
      ASSERT_OK(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"));
  assert_string_equal(body_of(same).c_str(), "x");
  bp::HttpLimits limits;
  limits.max_body = 100;
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", SIZE_MAX, limits),
                        "Content-Length 101 is larger than the limit of 100 bytes");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\n\r\n" + std::string(101, 'x'), SIZE_MAX, limits),
                        "body is larger than the limit of 100 bytes");
}

void test_malformed_heads(void **) {
  const struct {
    const char *text;
    const char *error;
  } cases[] = {
      {"", "closed the connection without responding"},
      {"HTTP/1.1 200", "closed inside the status line"},
      {"HTTP/2 200 OK\r\n\r\n", "malformed status line 'HTTP/2 200 OK'"},
      {"HTTP/1.1 20 OK\r\n\r\n", "malformed status line"},
      {"HTTP/1.1 2000 OK\r\n\r\n", "malformed status line"},
      {"HTTP/1.1 600 Nope\r\n\r\n", "malformed status line"},
      {"HTTP/1.1  200 OK\r\n\r\n", "malformed status line"},
      {"http/1.1 200 OK\r\n\r\n", "malformed status line"},
      {"SSH-2.0-OpenSSH\r\n", "malformed status line 'SSH-2.0-OpenSSH'"},
      {"HTTP/1.1 200 O\x01K\r\n\r\n", "control character in the reason phrase"},
      {"HTTP/1.1 200 OK\n\n", "LF without CR"},
      {"HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "bare CR"},
      {"HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n", "without a name and ':'"},
      {"HTTP/1.1 200 OK\r\n: value\r\n\r\n", "without a name and ':'"},
      {"HTTP/1.1 200 OK\r\nName : value\r\n\r\n", "whitespace before ':'"},
      {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "obsolete line folding"},
      {"HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", "control character in a header value"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", "closed before the response was complete"},
  };
  for (const auto &c : cases) ASSERT_ERROR_CONTAINS(parse(c.text), c.error);
}

void test_header_limits(void **) {
  bp::HttpLimits limits;
  limits.max_line = 64;
  limits.max_headers = 3;
  limits.max_header_bytes = 100;
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nA: " + std::string(70, 'x') + "\r\n\r\n", 1, limits),
                        "longer than the limit of 64 bytes");
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", SIZE_MAX, limits),
                        "more than 3 header fields");
  std::string big = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 3; ++i) big += "H: " + std::string(40, 'v') + "\r\n";
  ASSERT_ERROR_CONTAINS(parse(big + "\r\n", SIZE_MAX, limits), "exceed the limit of 100 bytes");
  // A line that never ends is cut off at the limit, not buffered forever.
  ASSERT_ERROR_CONTAINS(parse("HTTP/1.1 200 OK\r\nX: " + std::string(1000, 'y'), 100, limits),
                        "longer than the limit");
  // A failed parser stays failed.
  bp::HttpResponseParser parser(limits);
  assert_false(parser.feed(bp::ByteView::of_string("garbage\r\n")).ok());
  ASSERT_ERROR_CONTAINS(parser.feed(bp::ByteView::of_string("HTTP/1.1 200 OK\r\n")), "already failed");
}

bp::HttpClientResponse with_cookies(std::initializer_list<const char *> values) {
  bp::HttpClientResponse r;
  for (const char *v : values) r.headers.push_back({"set-cookie", v});
  return r;
}

void test_set_cookie(void **) {
  auto found = ASSERT_OK(bp::find_set_cookie(
      with_cookies({"other=1", "kbs-session-id=0123abcd; Expires=Wed, 26 Nov 2026 15:00:00 GMT"}),
      "kbs-session-id"));
  assert_string_equal(found->c_str(), "0123abcd");
  found = ASSERT_OK(bp::find_set_cookie(
      with_cookies({"kbs-session-id=\"quoted\"", "kbs-session-id = last ;x"}), "kbs-session-id"));
  assert_string_equal(found->c_str(), "last");
  found = ASSERT_OK(bp::find_set_cookie(with_cookies({"junk", "kbs-session-idx=1"}), "kbs-session-id"));
  assert_false(found.has_value());
  ASSERT_ERROR_CONTAINS(bp::find_set_cookie(with_cookies({"kbs-session-id=a,b"}), "kbs-session-id"),
                        "invalid character");
  ASSERT_ERROR_CONTAINS(bp::find_set_cookie(with_cookies({"kbs-session-id=; Path=/"}), "kbs-session-id"),
                        "empty or oversized");
}

void test_request_writer(void **) {
  bp::HttpClientRequest post{"POST", "/kbs/v0/auth", {{"Content-Type", "application/json"}}, {'{', '}'}};
  bp::Bytes raw = ASSERT_OK(bp::serialize_request(post, "10.0.2.100:8443"));
  assert_string_equal(
      std::string(raw.begin(), raw.end()).c_str(),
      "POST /kbs/v0/auth HTTP/1.1\r\nHost: 10.0.2.100:8443\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}");
  bp::HttpClientRequest get{"GET", "/kbs/v0/resource/a/b/c", {{"Cookie", "kbs-session-id=x"}}, {}};
  raw = ASSERT_OK(bp::serialize_request(get, "kbs"));
  assert_string_equal(std::string(raw.begin(), raw.end()).c_str(),
                      "GET /kbs/v0/resource/a/b/c HTTP/1.1\r\nHost: kbs\r\nCookie: kbs-session-id=x\r\n\r\n");
  bp::HttpClientRequest bad = get;
  bad.headers[0].value = "x\r\nInjected: 1";
  ASSERT_ERROR_CONTAINS(bp::serialize_request(bad, "kbs"), "invalid value for header Cookie");
  bad = get;
  bad.target = "/a b";
  ASSERT_ERROR_CONTAINS(bp::serialize_request(bad, "kbs"), "target");
  bad = get;
  bad.headers.push_back({"Content-Length", "5"});
  ASSERT_ERROR_CONTAINS(bp::serialize_request(bad, "kbs"), "set by the client itself");
  bad = get;
  bad.headers.push_back({"Bad Name", "5"});
  ASSERT_ERROR_CONTAINS(bp::serialize_request(bad, "kbs"), "invalid header name");
  ASSERT_ERROR_CONTAINS(bp::serialize_request(get, "kbs\r\nX: y"), "invalid Host");
}

}  // namespace

RUN_TESTS("http/response_parser", cmocka_unit_test(test_content_length),
          cmocka_unit_test(test_keep_alive_rules), cmocka_unit_test(test_bytes_after_the_response),
          cmocka_unit_test(test_interim_responses), cmocka_unit_test(test_chunked),
          cmocka_unit_test(test_chunked_errors), cmocka_unit_test(test_content_length_errors),
          cmocka_unit_test(test_malformed_heads), cmocka_unit_test(test_header_limits),
          cmocka_unit_test(test_set_cookie), cmocka_unit_test(test_request_writer))
