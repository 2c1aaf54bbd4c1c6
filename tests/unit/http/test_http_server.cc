// The HTTP server loop: responses, refusals with the parser's status, and
// the concurrency guarantees (slow clients and slow handlers block no one,
// the connection limit holds, a silent client is dropped at its deadline).
#include <ifaddrs.h>
#include <unistd.h>

#include <atomic>

#include "lib/core/clock.h"
#include "tests/unit/http/loopback_client.h"

namespace {

bp::HttpReply echo(const bp::ParsedHttpRequest &request, const bp::SocketAddress &peer) {
  if (request.path == "/slow") usleep(600 * 1000);
  if (request.path == "/secret") {
    bp::HttpReply r;
    r.content_type = "application/octet-stream";
    r.secret_body = bp::SecretBytes::copy_of(bp::ByteView::of_string(std::string_view("s3cr3t\x00\x01", 8)))
                        .release_value();
    return r;
  }
  if (request.path == "/big") return bp::HttpReply::text(200, std::string(size_t{3} << 20, 'b'));
  return bp::HttpReply::text(200, request.method + " " + request.target + " from " +
                                      (peer.is_loopback() ? "loopback" : "elsewhere"));
}

void test_serves_requests(void **) {
  test::RunningServer s(echo, {});
  std::string r = test::get(s.port, "/hello?x=1");
  assert_int_equal(test::status_of(r), 200);
  assert_string_equal(test::body_of(r).c_str(), "GET /hello?x=1 from loopback");
  assert_string_equal(test::header_of(r, "Connection").c_str(), "close");
  assert_string_equal(test::header_of(r, "Content-Length").c_str(), "28");

  r = test::get(s.port, "/secret");
  assert_int_equal(test::status_of(r), 200);
  assert_string_equal(test::header_of(r, "Content-Type").c_str(), "application/octet-stream");
  std::string body = test::body_of(r);
  assert_int_equal(body.size(), 8);
  assert_memory_equal(body.data(), "s3cr3t\x00\x01", 8);

  // A response larger than the socket buffers goes out in pieces.
  r = test::get(s.port, "/big");
  assert_int_equal(test::body_of(r).size(), size_t{3} << 20);
}

void test_refusals_carry_the_parser_status(void **) {
  bp::HttpServerLimits limits;
  limits.request.max_head_bytes = 512;
  test::RunningServer s(echo, limits);
  std::string r = test::http_exchange(s.port, "GARBAGE\r\n\r\n");
  assert_int_equal(test::status_of(r), 400);
  assert_non_null(strstr(test::body_of(r).c_str(), "malformed request line"));
  r = test::http_exchange(s.port, "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(600, 'x') + "\r\n\r\n");
  assert_int_equal(test::status_of(r), 431);
  // The refused body is drained, so the 413 arrives intact rather than being
  // destroyed by a reset.
  r = test::http_exchange(
      s.port, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 20000\r\n\r\n" + std::string(20000, 'z'));
  assert_int_equal(test::status_of(r), 413);
  r = test::http_exchange(s.port, "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  assert_int_equal(test::status_of(r), 501);
  // The server still serves.
  assert_int_equal(test::status_of(test::get(s.port, "/")), 200);
}

void test_silent_client_is_dropped_and_blocks_no_one(void **) {
  bp::HttpServerLimits limits;
  limits.request_timeout_ms = 300;
  test::RunningServer s(echo, limits);
  // Slowloris: a request head that never completes.
  bp::UniqueFd slow = test::connect_loopback(s.port);
  test::send_text(slow.get(), "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: 1\r\n");
  // Others are served meanwhile.
  for (int i = 0; i < 5; ++i) assert_int_equal(test::status_of(test::get(s.port, "/fast")), 200);
  assert_false(test::readable_within(slow.get(), 0));
  // At its deadline the slow client gets 408 and the connection is closed.
  uint64_t start = bp::monotonic_ms();
  std::string r = test::read_until_close(slow.get());
  assert_int_equal(test::status_of(r), 408);
  assert_true(bp::monotonic_ms() - start < 3000);
}

void test_slow_handler_blocks_no_one(void **) {
  bp::HttpServerLimits limits;
  limits.worker_threads = 2;
  test::RunningServer s(echo, limits);
  bp::UniqueFd slow = test::connect_loopback(s.port);
  test::send_text(slow.get(), "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
  usleep(50 * 1000);  // let the slow request reach a worker
  assert_int_equal(test::status_of(test::get(s.port, "/fast")), 200);
  // The fast request finished while the slow handler still runs.
  assert_false(test::readable_within(slow.get(), 0));
  assert_int_equal(test::status_of(test::read_until_close(slow.get())), 200);
}

void test_connection_limit(void **) {
  bp::HttpServerLimits limits;
  limits.max_connections = 2;
  limits.request_timeout_ms = 2000;
  test::RunningServer s(echo, limits);
  bp::UniqueFd a = test::connect_loopback(s.port);
  bp::UniqueFd b = test::connect_loopback(s.port);
  test::send_text(a.get(), "GET");
  test::send_text(b.get(), "GET");
  usleep(100 * 1000);  // both accepted
  std::string r = test::get(s.port, "/third");
  assert_int_equal(test::status_of(r), 503);
  // Finishing one frees its slot.
  test::send_text(a.get(), " / HTTP/1.1\r\nHost: h\r\n\r\n");
  assert_int_equal(test::status_of(test::read_until_close(a.get())), 200);
  a.reset();  // the server closes its side once the client has
  usleep(100 * 1000);
  assert_int_equal(test::status_of(test::get(s.port, "/fourth")), 200);
}

void test_client_that_leaves_early(void **) {
  std::atomic<int> calls{0};
  test::RunningServer s(
      [&calls](const bp::ParsedHttpRequest &r, const bp::SocketAddress &p) {
        ++calls;
        return echo(r, p);
      },
      {});
  {
    bp::UniqueFd gone = test::connect_loopback(s.port);
    test::send_text(gone.get(), "GET / HTTP/1.1\r\nHo");
  }
  {
    // Sends a full request and closes before the answer (the write fails
    // quietly).
    bp::UniqueFd gone = test::connect_loopback(s.port);
    test::send_text(gone.get(), "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
  }
  usleep(800 * 1000);
  assert_int_equal(test::status_of(test::get(s.port, "/")), 200);
  assert_int_equal(calls.load(), 2);
}

// A local IPv4 address that is not loopback, or 0 when the machine has none.
uint32_t non_loopback_address() {
  struct ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return 0;
  uint32_t found = 0;
  for (struct ifaddrs *i = list; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    uint32_t a = ntohl(reinterpret_cast<sockaddr_in *>(i->ifa_addr)->sin_addr.s_addr);
    if ((a >> 24) != 127) found = a;
  }
  freeifaddrs(list);
  return found;
}

void test_non_loopback_peer_is_refused(void **) {
  uint32_t address = non_loopback_address();
  if (address == 0) {
    SKIP_TEST();  // no interface but lo
    return;
  }
  std::atomic<int> calls{0};
  bp::UniqueFd listener = ASSERT_OK(bp::listen_tcp(bp::SocketAddress::ipv4(0, 0), 4));  // 0.0.0.0
  uint16_t port = ASSERT_OK(bp::local_address(listener.get())).port();
  std::unique_ptr<bp::HttpServer> server = ASSERT_OK(bp::HttpServer::create(
      std::move(listener),
      [&calls](const bp::ParsedHttpRequest &r, const bp::SocketAddress &p) {
        ++calls;
        return echo(r, p);
      },
      {}, test::quiet_log()));
  bp::HttpServer *s = server.get();
  bp::Thread thread = ASSERT_OK(bp::Thread::start([s] { (void)s->run(); }));
  bp::UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(address);
  assert_int_equal(connect(fd.get(), reinterpret_cast<sockaddr *>(&to), sizeof(to)), 0);
  struct timeval timeout = {5, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  test::send_text(fd.get(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string r = test::read_until_close(fd.get());
  assert_int_equal(test::status_of(r), 403);
  assert_non_null(strstr(r.c_str(), "only loopback"));
  // Loopback on the same listener is served.
  assert_int_equal(test::status_of(test::get(port, "/")), 200);
  assert_int_equal(calls.load(), 1);
  server->stop();
  thread.join();
}

}  // namespace

RUN_TESTS("http_server", cmocka_unit_test(test_serves_requests),
          cmocka_unit_test(test_refusals_carry_the_parser_status),
          cmocka_unit_test(test_silent_client_is_dropped_and_blocks_no_one),
          cmocka_unit_test(test_slow_handler_blocks_no_one), cmocka_unit_test(test_connection_limit),
          cmocka_unit_test(test_client_that_leaves_early),
          cmocka_unit_test(test_non_loopback_peer_is_refused))
