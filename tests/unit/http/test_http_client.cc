// The HTTP client over real loopback connections: plain TCP against a
// scripted server thread (keep-alive, stale connections, slowloris, refused,
// truncated), and TLS against Python's ssl module (an independent TLS stack)
// with the test identities in tests/data/tls.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "lib/core/clock.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/unique_fd.h"
#include "lib/http/client.h"
#include "lib/http/url.h"
#include "lib/net/tcp.h"
#include "lib/net/tls_names.h"
#include "tests/unit/test_support.h"

namespace {

// ---- a scripted plain-TCP server -------------------------------------------

class ScriptedServer {
 public:
  // script(fd, index) runs for each accepted connection, in order.
  ScriptedServer(int connections, const std::function<void(int, int)> &script) {
    listener_ = bp::UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener_.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    assert_int_equal(listen(listener_.get(), 8), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_.get(), reinterpret_cast<sockaddr *>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, connections, script] {
      for (int i = 0; i < connections; ++i) {
        struct pollfd p = {listener_.get(), POLLIN, 0};
        if (poll(&p, 1, 5000) != 1) return;
        bp::UniqueFd conn(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn.valid()) return;
        script(conn.get(), i);
      }
    });
  }
  ~ScriptedServer() { thread_.join(); }
  uint16_t port() const { return port_; }

 private:
  bp::UniqueFd listener_;
  uint16_t port_ = 0;
  std::thread thread_;
};

// Reads one request head (up to the blank line).
bool read_request(int fd) {
  std::string head;
  char c;
  while (head.size() < 8192) {
    if (read(fd, &c, 1) != 1) return false;
    head.push_back(c);
    if (head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0) return true;
  }
  return false;
}

void send_text(int fd, const std::string &text) { (void)!send(fd, text.data(), text.size(), MSG_NOSIGNAL); }

// The request failed with this errno (0: any) and a message containing text.
void expect_error(const bp::Result<bp::HttpClientResponse> &r, const char *text, int err) {
  if (r.ok()) fail_msg("expected an error containing '%s'", text);
  if (r.error().message().find(text) == std::string::npos) {
    fail_msg("error '%s' does not contain '%s'", r.error().message().c_str(), text);
  }
  if (err != 0 && r.error().errno_value() != err)
    fail_msg("errno %d, expected %d", r.error().errno_value(), err);
}

bp::HttpClientRequest get(const char *target) { return bp::HttpClientRequest{"GET", target, {}, {}}; }

std::string body_of(const bp::HttpClientResponse &r) { return std::string(r.body.begin(), r.body.end()); }

bp::HttpClient plain_client(uint16_t port, bp::HttpLimits limits = {}) {
  return bp::HttpClient(std::make_unique<bp::TcpConnector>("127.0.0.1", port),
                        bp::format("127.0.0.1:%u", port), limits);
}

void test_keep_alive_and_stale_connection(void **) {
  ScriptedServer server(2, [](int fd, int index) {
    if (index == 0) {
      // Two requests on the first connection, then the server closes it.
      for (int i = 0; i < 2 && read_request(fd); ++i)
        send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    } else {
      if (read_request(fd)) send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
    }
  });
  bp::HttpClient client = plain_client(server.port());
  for (int i = 0; i < 2; ++i) {
    bp::HttpClientResponse r = ASSERT_OK(client.send(get("/a"), bp::Deadline::after_ms(5000)));
    assert_string_equal(body_of(r).c_str(), "ok");
  }
  assert_int_equal(client.stats().connections, 1);
  // The server closed the kept-alive connection: sent again on a new one.
  bp::HttpClientResponse r = ASSERT_OK(client.send(get("/a"), bp::Deadline::after_ms(5000)));
  assert_string_equal(body_of(r).c_str(), "again");
  assert_int_equal(client.stats().connections, 2);
  assert_int_equal(client.stats().round_trips, 3);
}

void test_connection_refused(void **) {
  bp::UniqueFd probe(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(probe.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  assert_int_equal(getsockname(probe.get(), reinterpret_cast<sockaddr *>(&addr), &len), 0);
  probe.reset();  // nothing listens on that port now
  bp::HttpClient client = plain_client(ntohs(addr.sin_port));
  auto r = client.send(get("/"), bp::Deadline::after_ms(2000));
  assert_false(r.ok());
  assert_int_equal(r.error().errno_value(), ECONNREFUSED);
  ASSERT_ERROR_CONTAINS(client.send(get("/"), bp::Deadline::after_ms(2000)), "connect to 127.0.0.1:");
}

void test_slowloris_headers(void **) {
  ScriptedServer server(1, [](int fd, int) {
    if (!read_request(fd)) return;
    send_text(fd, "HTTP/1.1 200 OK\r\nX-Slow: ");
    for (int i = 0; i < 60; ++i) {  // a byte every 50 ms, never finishing
      usleep(50000);
      if (send(fd, "a", 1, MSG_NOSIGNAL) != 1) return;
    }
  });
  bp::HttpClient client = plain_client(server.port());
  uint64_t start = bp::monotonic_ms();
  auto r = client.send(get("/"), bp::Deadline::after_ms(400));
  uint64_t elapsed = bp::monotonic_ms() - start;
  assert_false(r.ok());
  assert_int_equal(r.error().errno_value(), ETIMEDOUT);
  ASSERT_ERROR_CONTAINS(client.send(get("/"), bp::Deadline::after_ms(0)), "");
  // Ended by the deadline, not by the server (which trickles for 3 s).
  assert_true(elapsed >= 400 && elapsed < 2000);
  assert_false(client.connected());
}

void test_truncated_and_silent_close(void **) {
  ScriptedServer server(2, [](int fd, int index) {
    if (!read_request(fd)) return;
    if (index == 0) send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    // index 1: close without a word
  });
  bp::HttpClient client = plain_client(server.port());
  auto r = client.send(get("/"), bp::Deadline::after_ms(3000));
  expect_error(r, "5 bytes of the body missing", EPROTO);
  r = client.send(get("/"), bp::Deadline::after_ms(3000));
  expect_error(r, "closed the connection without responding", ECONNRESET);
  assert_int_equal(client.stats().connections, 2);  // a fresh connection is not retried
}

void test_extra_bytes_end_keep_alive(void **) {
  ScriptedServer server(1, [](int fd, int) {
    if (!read_request(fd)) return;
    send_text(fd,
              "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    usleep(200000);
  });
  bp::HttpClient client = plain_client(server.port());
  bp::HttpClientResponse r = ASSERT_OK(client.send(get("/"), bp::Deadline::after_ms(3000)));
  assert_string_equal(body_of(r).c_str(), "a");
  assert_false(r.keep_alive);
  assert_false(client.connected());  // the unasked-for second response is not read as the next answer
}

void test_url_parsing(void **) {
  bp::Url u = ASSERT_OK(bp::parse_url("https://10.0.2.100:8443"));
  assert_string_equal(u.host.c_str(), "10.0.2.100");
  assert_int_equal(u.port, 8443);
  assert_string_equal(u.path.c_str(), "");
  assert_string_equal(u.authority().c_str(), "10.0.2.100:8443");
  u = ASSERT_OK(bp::parse_url("HTTPS://kbs.example.org/prefix/"));
  assert_int_equal(u.port, 443);
  assert_string_equal(u.path.c_str(), "/prefix");
  assert_string_equal(u.authority().c_str(), "kbs.example.org");
  u = ASSERT_OK(bp::parse_url("http://[fd00::1]:8080"));
  assert_string_equal(u.host.c_str(), "fd00::1");
  assert_string_equal(u.authority().c_str(), "[fd00::1]:8080");
  assert_false(u.is_https());
  ASSERT_ERROR_CONTAINS(bp::parse_url("ftp://x"), "scheme must be http or https");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://x:0"), "port must be 1..65535");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://x:99999"), "port must be 1..65535");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://x:"), "empty port");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://user@x"), "user information");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://x/a?b"), "queries");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://"), "no host");
  ASSERT_ERROR_CONTAINS(bp::parse_url("https://a b"), "invalid character in the host");
  ASSERT_ERROR_CONTAINS(bp::parse_url("10.0.2.100:8443"), "expected scheme://host");
}

void test_ip_subject_alt_names(void **) {
  // SEQUENCE { [2] "localhost", [7] 127.0.0.1 }
  bp::Bytes san = unhex(
      "30118209"
      "6c6f63616c686f7374"
      "87047f000001");
  bp::Bytes ip = *bp::ip_literal_bytes("127.0.0.1");
  assert_true(ASSERT_OK(bp::subject_alt_names_contain_ip(san, ip)));
  assert_false(ASSERT_OK(bp::subject_alt_names_contain_ip(san, *bp::ip_literal_bytes("127.0.0.2"))));
  assert_false(ASSERT_OK(bp::subject_alt_names_contain_ip(san, *bp::ip_literal_bytes("::1"))));
  assert_false(bp::ip_literal_bytes("localhost").has_value());
  assert_int_equal(bp::ip_literal_bytes("fd00::1")->size(), 16);
  ASSERT_ERROR_CONTAINS(bp::subject_alt_names_contain_ip(bp::ByteView(san.data(), 10), ip), "truncated");
  ASSERT_ERROR_CONTAINS(bp::subject_alt_names_contain_ip(unhex("310087047f000001"), ip),
                        "expected one SEQUENCE");
}

// ---- TLS against Python's ssl ----------------------------------------------

class PythonTlsServer {
 public:
  PythonTlsServer() {
    int out[2], in[2];
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      dup2(in[0], 0);
      execl("/usr/bin/python3", "python3", "tests/unit/net/tls_test_server.py", "tests/data/tls", nullptr);
      _exit(127);
    }
    close(out[1]);
    close(in[0]);
    stdout_ = bp::UniqueFd(out[0]);
    stdin_ = bp::UniqueFd(in[1]);
    std::string line;
    char c = 0;
    while (line.find('\n') == std::string::npos) {
      struct pollfd p = {stdout_.get(), POLLIN, 0};
      if (poll(&p, 1, 20000) != 1 || read(stdout_.get(), &c, 1) != 1)
        fail_msg("the TLS test server did not start");
      line.push_back(c);
    }
    if (sscanf(line.c_str(), "ready %hu %hu", &port_, &dns_only_port_) != 2)
      fail_msg("bad line: %s", line.c_str());
  }
  ~PythonTlsServer() {
    stdin_.reset();
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  uint16_t port() const { return port_; }
  uint16_t dns_only_port() const { return dns_only_port_; }

 private:
  pid_t pid_ = -1;
  bp::UniqueFd stdout_, stdin_;
  uint16_t port_ = 0, dns_only_port_ = 0;
};

struct TlsSetup {
  bp::Random random;
  std::unique_ptr<bp::TlsClient> tls;
};

std::unique_ptr<TlsSetup> tls_setup(const char *ca_file) {
  auto s = std::unique_ptr<TlsSetup>(new TlsSetup{ASSERT_OK(bp::Random::create()), nullptr});
  std::string ca = ASSERT_OK(bp::read_text_file(ca_file, 1 << 16));
  s->tls = ASSERT_OK(bp::TlsClient::create(ca, s->random));
  return s;
}

bp::HttpClient tls_client(bp::TlsClient &tls, const char *host, uint16_t port, bp::HttpLimits limits = {}) {
  return bp::HttpClient(std::make_unique<bp::TlsConnector>(host, port, tls), bp::format("%s:%u", host, port),
                        limits);
}

void test_tls(void **) {
  PythonTlsServer server;
  auto s = tls_setup("tests/data/tls/ca.pem");
  {
    // By IP address (subjectAltName iPAddress): three requests, one handshake.
    bp::HttpClient client = tls_client(*s->tls, "127.0.0.1", server.port());
    bp::HttpClientResponse r = ASSERT_OK(client.send(get("/hello"), bp::Deadline::after_ms(10000)));
    assert_int_equal(r.status, 200);
    assert_string_equal(body_of(r).c_str(), "hello");
    r = ASSERT_OK(client.send(get("/chunked"), bp::Deadline::after_ms(10000)));
    assert_string_equal(body_of(r).c_str(), "chunked body");
    r = ASSERT_OK(client.send(get("/missing"), bp::Deadline::after_ms(10000)));
    assert_int_equal(r.status, 404);
    assert_int_equal(client.stats().connections, 1);
    assert_int_equal(client.stats().round_trips, 3);
    assert_int_equal(s->tls->handshakes(), 1);
    // Connection: close ends the connection; the next request makes a new one.
    r = ASSERT_OK(client.send(get("/close"), bp::Deadline::after_ms(10000)));
    assert_string_equal(body_of(r).c_str(), "bye");
    assert_false(client.connected());
    r = ASSERT_OK(client.send(get("/hello"), bp::Deadline::after_ms(10000)));
    assert_int_equal(s->tls->handshakes(), 2);
  }
  {
    // By DNS name.
    bp::HttpClient client = tls_client(*s->tls, "localhost", server.port());
    bp::HttpClientResponse r = ASSERT_OK(client.send(get("/hello"), bp::Deadline::after_ms(10000)));
    assert_string_equal(body_of(r).c_str(), "hello");
  }
  {
    // A body beyond the limit is refused (EPROTO), whatever the server sends.
    bp::HttpClient client = tls_client(*s->tls, "127.0.0.1", server.port());
    auto r = client.send(get("/big"), bp::Deadline::after_ms(10000));
    expect_error(r, "larger than the limit of 1048576 bytes", EPROTO);
  }
  {
    // A slowloris body: the deadline ends it.
    bp::HttpClient client = tls_client(*s->tls, "127.0.0.1", server.port());
    uint64_t start = bp::monotonic_ms();
    auto r = client.send(get("/slow"), bp::Deadline::after_ms(1000));
    uint64_t elapsed = bp::monotonic_ms() - start;
    assert_false(r.ok());
    assert_int_equal(r.error().errno_value(), ETIMEDOUT);
    assert_true(elapsed >= 1000 && elapsed < 4000);
  }
}

void test_tls_refusals(void **) {
  PythonTlsServer server;
  {
    auto other = tls_setup("tests/data/tls/other-ca.pem");
    bp::HttpClient client = tls_client(*other->tls, "127.0.0.1", server.port());
    auto r = client.send(get("/hello"), bp::Deadline::after_ms(10000));
    expect_error(r, "the certificate of 127.0.0.1 is not accepted", EACCES);
  }
  auto s = tls_setup("tests/data/tls/ca.pem");
  {
    // Signed by the right CA but not for this address or name.
    bp::HttpClient client = tls_client(*s->tls, "127.0.0.1", server.dns_only_port());
    auto r = client.send(get("/hello"), bp::Deadline::after_ms(10000));
    expect_error(r, "does not name the server's IP address", EACCES);
    bp::HttpClient by_name = tls_client(*s->tls, "localhost", server.dns_only_port());
    r = by_name.send(get("/hello"), bp::Deadline::after_ms(10000));
    expect_error(r, "the certificate of localhost is not accepted", EACCES);
  }
  {
    // Plain HTTP to a TLS port: a malformed answer or a closed connection, never a hang.
    bp::HttpClient client = plain_client(server.port());
    auto r = client.send(get("/hello"), bp::Deadline::after_ms(3000));
    assert_false(r.ok());
  }
  {
    // TLS to a plain HTTP server: the handshake fails.
    ScriptedServer plain(1, [](int fd, int) {
      char buffer[512];
      (void)!read(fd, buffer, sizeof buffer);
      send_text(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    bp::HttpClient client = tls_client(*s->tls, "127.0.0.1", plain.port());
    ASSERT_ERROR_CONTAINS(client.send(get("/hello"), bp::Deadline::after_ms(3000)),
                          "TLS handshake with 127.0.0.1");
  }
  ASSERT_ERROR_CONTAINS(bp::TlsClient::create("not a certificate", s->random), "TLS CA certificates");
}

}  // namespace

RUN_TESTS("http/client", cmocka_unit_test(test_keep_alive_and_stale_connection),
          cmocka_unit_test(test_connection_refused), cmocka_unit_test(test_slowloris_headers),
          cmocka_unit_test(test_truncated_and_silent_close),
          cmocka_unit_test(test_extra_bytes_end_keep_alive), cmocka_unit_test(test_url_parsing),
          cmocka_unit_test(test_ip_subject_alt_names), cmocka_unit_test(test_tls),
          cmocka_unit_test(test_tls_refusals))
