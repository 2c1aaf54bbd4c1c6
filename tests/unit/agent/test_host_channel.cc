// The host channel's line protocol over a real stream: framing, oversized
// lines, floods against the rate limit, exec through an ExecService, and
// the virtio port being reopened after the host disconnects.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "agent/host_channel.h"
#include "agent/line_framer.h"
#include "agent/rate_limiter.h"
#include "lib/core/thread.h"
#include "lib/json/json_parse.h"
#include "tests/unit/http/loopback_client.h"

namespace {

const char kDebug[] =
    "{\"version\":1,\"name\":\"debug\",\"allow\":[\"status\",\"shutdown\",\"exec\",\"logs\"]}";

void test_line_framer(void **) {
  bp::LineFramer framer(8);
  std::vector<bp::LineEvent> events;
  framer.feed(bp::ByteView::of_string("ab"), events);
  assert_int_equal(events.size(), 0);
  framer.feed(bp::ByteView::of_string("c\r\n\nxyz\n12345678\n123456789\n"), events);
  assert_int_equal(events.size(), 5);
  assert_string_equal(events[0].text.c_str(), "abc");  // the \r is dropped
  assert_string_equal(events[1].text.c_str(), "");
  assert_string_equal(events[2].text.c_str(), "xyz");
  assert_string_equal(events[3].text.c_str(), "12345678");  // exactly the limit
  assert_int_equal(events[4].kind, bp::LineEvent::Kind::oversized);
  // A line that never ends is reported once and its bytes are dropped, in
  // whatever pieces they come; the buffer never grows past the limit.
  events.clear();
  for (int i = 0; i < 1000; ++i) {
    framer.feed(bp::ByteView::of_string("0123456789"), events);
    assert_true(framer.buffered() <= 9);
  }
  assert_int_equal(events.size(), 1);
  assert_int_equal(events[0].kind, bp::LineEvent::Kind::oversized);
  framer.feed(bp::ByteView::of_string("tail\nok\n"), events);
  assert_int_equal(events.size(), 2);
  assert_string_equal(events[1].text.c_str(), "ok");
  // 8 bytes plus \r fit; 9 bytes do not, with or without \r.
  events.clear();
  framer.feed(bp::ByteView::of_string("12345678\r\n123456789\r\n"), events);
  assert_int_equal(events.size(), 2);
  assert_int_equal(events[0].kind, bp::LineEvent::Kind::line);
  assert_int_equal(events[1].kind, bp::LineEvent::Kind::oversized);
}

void test_rate_limiter(void **) {
  bp::RateLimiter limiter(10, 3);
  assert_true(limiter.take(1000));
  assert_true(limiter.take(1000));
  assert_true(limiter.take(1000));
  assert_false(limiter.take(1000));  // the burst is spent
  assert_false(limiter.take(1050));  // half a token
  assert_true(limiter.take(1100));   // one token per 100 ms
  assert_false(limiter.take(1100));
  assert_true(limiter.take(100000));  // refills up to the burst only
  assert_true(limiter.take(100000));
  assert_true(limiter.take(100000));
  assert_false(limiter.take(100000));
}

// Runs a HostChannel on a thread; the test talks to it through `host`.
class RunningChannel {
 public:
  RunningChannel(bp::HostChannelLimits limits, bp::ExecService *exec = nullptr, const char *policy = kDebug)
      : dispatcher_(bp::parse_host_policy(policy).release_value(), config(), test::quiet_log()),
        channel_(dispatcher_, exec, limits, test::quiet_log()),
        stop_(eventfd(0, EFD_CLOEXEC)) {}
  ~RunningChannel() { stop(); }

  static bp::HostOpsConfig config() {
    bp::HostOpsConfig c;
    c.status_file = "/nonexistent/status.json";
    c.log_file = "/nonexistent/workload.log";
    return c;
  }

  bp::HostChannel &channel() { return channel_; }

  // A stream the channel uses until it closes; returns the host's end.
  bp::UniqueFd connect() {
    int pair[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    channel_.add_stream(bp::UniqueFd(pair[1]), "test stream");
    struct timeval timeout = {5, 0};
    setsockopt(pair[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    return bp::UniqueFd(pair[0]);
  }

  void start() {
    bp::HostChannel *c = &channel_;
    int stop = stop_.get();
    thread_ = bp::Thread::start([c, stop] {
                bp::Status s = c->run(stop);
                if (!s.ok()) fail_msg("channel: %s", s.error().message().c_str());
              }).release_value();
  }
  void stop() {
    if (!thread_.joinable()) return;
    uint64_t one = 1;
    assert_int_equal(write(stop_.get(), &one, sizeof(one)), 8);
    thread_.join();
  }

 private:
  bp::HostDispatcher dispatcher_;
  bp::HostChannel channel_;
  bp::UniqueFd stop_;
  bp::Thread thread_;
};

// Reads reply lines until `count` have arrived.
std::vector<std::string> read_lines(int fd, size_t count) {
  std::vector<std::string> lines;
  std::string buffer;
  while (lines.size() < count) {
    char chunk[65536];
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) fail_msg("stream ended after %zu of %zu replies", lines.size(), count);
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      lines.push_back(buffer.substr(0, newline));
      buffer.erase(0, newline + 1);
    }
  }
  return lines;
}

void test_requests_and_bad_lines(void **) {
  bp::HostChannelLimits limits;
  limits.max_line = 1024;
  RunningChannel c(limits);
  bp::UniqueFd host = c.connect();
  c.start();
  test::send_text(host.get(), "{\"op\":\"status\",\"id\":1}\r\n\n   \n{bad json\n" + std::string(5000, 'x') +
                                  "\n{\"op\":\"set-policy\"}\n{\"op\":\"status\",\"id\":2}\n");
  std::vector<std::string> lines = read_lines(host.get(), 5);
  assert_non_null(strstr(lines[0].c_str(), "\"ok\":true,\"id\":1"));
  assert_non_null(strstr(lines[1].c_str(), "malformed request"));
  assert_string_equal(lines[2].c_str(),
                      "{\"ok\":false,\"error\":\"request line longer than 1024 bytes; discarded\"}");
  assert_non_null(strstr(lines[3].c_str(), "set-policy is never allowed"));
  assert_non_null(strstr(lines[4].c_str(), "\"ok\":true,\"id\":2"));  // the channel keeps working
}

void test_flood_is_rate_limited_and_recovers(void **) {
  bp::HostChannelLimits limits;
  limits.rate_burst = 5;
  limits.rate_per_second = 20;
  RunningChannel c(limits);
  bp::UniqueFd host = c.connect();
  c.start();
  std::string flood;
  for (int i = 0; i < 500; ++i) flood += "{\"op\":\"status\"}\n";
  test::send_text(host.get(), flood);
  std::vector<std::string> lines = read_lines(host.get(), 500);
  size_t ok = 0, limited = 0;
  for (const std::string &l : lines) {
    if (strstr(l.c_str(), "\"ok\":true")) ++ok;
    if (strstr(l.c_str(), "rate limited")) ++limited;
  }
  assert_int_equal(ok + limited, 500);
  assert_true(ok >= 5 && ok < 50);  // the burst, and what trickled in while the flood was read
  usleep(300 * 1000);
  test::send_text(host.get(), "{\"op\":\"status\",\"id\":\"after\"}\n");
  lines = read_lines(host.get(), 1);
  assert_non_null(strstr(lines[0].c_str(), "\"ok\":true,\"id\":\"after\""));
}

// Runs each request at once (no process), or holds it until released.
class FakeExec : public bp::ExecService {
 public:
  FakeExec() : ready_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  int fd() const override { return ready_.get(); }
  bool busy() const override { return busy_; }
  bp::Status submit(const bp::ExecRequest &request) override {
    busy_ = true;
    argv0_ = request.argv[0];
    if (!hold) release();
    return {};
  }
  bp::Result<bp::CommandResult> collect() override {
    uint64_t v;
    (void)read(ready_.get(), &v, sizeof(v));
    busy_ = false;
    bp::CommandResult r;
    r.exit_code = 0;
    r.output.assign(argv0_.begin(), argv0_.end());
    return r;
  }
  void release() {
    uint64_t one = 1;
    (void)write(ready_.get(), &one, sizeof(one));
  }
  bool hold = false;

 private:
  bp::UniqueFd ready_;
  bool busy_ = false;
  std::string argv0_;
};

void test_exec_keeps_replies_in_order(void **) {
  FakeExec exec;
  exec.hold = true;
  RunningChannel c({}, &exec);
  bp::UniqueFd host = c.connect();
  bp::UniqueFd other = c.connect();
  c.start();
  test::send_text(host.get(),
                  "{\"op\":\"exec\",\"argv\":[\"first\"],\"id\":1}\n{\"op\":\"status\",\"id\":2}\n");
  usleep(100 * 1000);
  // Nothing yet: the status waits behind the running exec.
  assert_false(test::readable_within(host.get(), 0));
  // Another stream is served meanwhile, but cannot start a second exec.
  test::send_text(other.get(),
                  "{\"op\":\"status\",\"id\":3}\n{\"op\":\"exec\",\"argv\":[\"second\"],\"id\":4}\n");
  std::vector<std::string> lines = read_lines(other.get(), 2);
  assert_non_null(strstr(lines[0].c_str(), "\"id\":3"));
  assert_non_null(strstr(lines[1].c_str(), "another command is running"));
  exec.release();
  lines = read_lines(host.get(), 2);
  assert_string_equal(
      lines[0].c_str(),
      "{\"ok\":true,\"id\":1,\"exit_code\":0,\"timed_out\":false,\"output\":\"first\",\"truncated\":false}");
  assert_non_null(strstr(lines[1].c_str(), "\"ok\":true,\"id\":2"));
}

void test_exec_without_helper_and_denied(void **) {
  RunningChannel c({});
  bp::UniqueFd host = c.connect();
  c.start();
  test::send_text(host.get(), "{\"op\":\"exec\",\"argv\":[\"ls\"]}\n");
  std::vector<std::string> lines = read_lines(host.get(), 1);
  assert_non_null(strstr(lines[0].c_str(), "no exec helper"));

  FakeExec exec;
  RunningChannel production({}, &exec, "{\"version\":1,\"allow\":[\"status\",\"shutdown\"]}");
  bp::UniqueFd p = production.connect();
  production.start();
  test::send_text(p.get(), "{\"op\":\"exec\",\"argv\":[\"ls\"]}\n");
  lines = read_lines(p.get(), 1);
  assert_string_equal(lines[0].c_str(), "{\"ok\":false,\"error\":\"denied by policy: exec\"}");
  assert_false(exec.busy());
}

void test_port_is_reopened(void **) {
  // Declared before the channel, so they outlive its thread.
  int opened = 0;
  int host_end = -1;
  bp::Mutex mutex;
  RunningChannel c({});
  c.channel().set_port([&]() -> bp::Result<bp::UniqueFd> {
    bp::MutexLock lock(mutex);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return bp::Error("socketpair");
    ++opened;
    host_end = pair[0];
    return bp::UniqueFd(pair[1]);
  });
  c.start();
  usleep(100 * 1000);
  int first;
  {
    bp::MutexLock lock(mutex);
    assert_int_equal(opened, 1);
    first = host_end;
  }
  test::send_text(first, "{\"op\":\"status\",\"id\":\"p\"}\n");
  assert_non_null(strstr(read_lines(first, 1)[0].c_str(), "\"id\":\"p\""));
  close(first);         // the host disconnects
  usleep(1500 * 1000);  // the reopen delay is a second
  int second;
  {
    bp::MutexLock lock(mutex);
    assert_int_equal(opened, 2);
    second = host_end;
  }
  test::send_text(second, "{\"op\":\"status\",\"id\":\"q\"}\n");
  assert_non_null(strstr(read_lines(second, 1)[0].c_str(), "\"id\":\"q\""));
  c.stop();
  close(second);
}

}  // namespace

RUN_TESTS("host_channel", cmocka_unit_test(test_line_framer), cmocka_unit_test(test_rate_limiter),
          cmocka_unit_test(test_requests_and_bad_lines),
          cmocka_unit_test(test_flood_is_rate_limited_and_recovers),
          cmocka_unit_test(test_exec_keeps_replies_in_order),
          cmocka_unit_test(test_exec_without_helper_and_denied), cmocka_unit_test(test_port_is_reopened))
