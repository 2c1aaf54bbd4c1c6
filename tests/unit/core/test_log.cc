// Log lines: stage prefix, milliseconds, level tag, kmsg priority, control
// characters neutralised, threshold honoured.
#include <unistd.h>

#include <algorithm>

#include "lib/core/log.h"
#include "tests/unit/test_support.h"

namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { assert_int_equal(pipe(fds), 0); }
  ~Pipe() {
    close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
  }
  std::string drain() {
    close(fds[1]);
    fds[1] = -1;
    std::string out;
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

void test_console_line_format(void **) {
  bp::Log log("bp-init", bp::Log::Sinks{-1, -1, bp::LogLevel::info});
  bp::Log stage = log.stage("attest");
  assert_string_equal(stage.format_line(bp::LogLevel::info, 1234, "start").c_str(),
                      "[   1234 ms] bp-init attest: start");
  assert_string_equal(log.format_line(bp::LogLevel::error, 5, "boom").c_str(),
                      "[      5 ms] bp-init: error: boom");
  assert_string_equal(stage.format_line(bp::LogLevel::warning, 0, "x").c_str(),
                      "[      0 ms] bp-init attest: warning: x");
}

void test_writes_to_both_sinks(void **) {
  Pipe console, kmsg;
  bp::Log log("bp-init", bp::Log::Sinks{console.fds[1], kmsg.fds[1], bp::LogLevel::info});
  log.stage("disks").info("opened %s in %d ms", "root", 12);
  log.warning("careful");
  std::string c = console.drain();
  std::string k = kmsg.drain();
  assert_non_null(strstr(c.c_str(), " ms] bp-init disks: opened root in 12 ms\n"));
  assert_non_null(strstr(c.c_str(), " ms] bp-init: warning: careful\n"));
  assert_string_equal(k.c_str(), "<6>bp-init disks: opened root in 12 ms\n<4>bp-init: warning: careful\n");
}

void test_control_characters_cannot_forge_lines(void **) {
  Pipe console;
  bp::Log log("bp-init", bp::Log::Sinks{console.fds[1], -1, bp::LogLevel::info});
  log.info("broker said: %s", "ok\n[      1 ms] bp-init attest: key released\x1b[2J");
  std::string c = console.drain();
  // Exactly one line: the embedded newline and escape became '?'.
  assert_int_equal(std::count(c.begin(), c.end(), '\n'), 1);
  assert_non_null(strstr(c.c_str(), "broker said: ok?[      1 ms] bp-init attest: key released?[2J\n"));
}

void test_threshold(void **) {
  Pipe console;
  bp::Log log("bp-agent", bp::Log::Sinks{console.fds[1], -1, bp::LogLevel::warning});
  log.debug("hidden");
  log.info("hidden too");
  log.error("shown");
  std::string c = console.drain();
  assert_null(strstr(c.c_str(), "hidden"));
  assert_non_null(strstr(c.c_str(), "bp-agent: error: shown"));
}

}  // namespace

RUN_TESTS("core/log", cmocka_unit_test(test_console_line_format), cmocka_unit_test(test_writes_to_both_sinks),
          cmocka_unit_test(test_control_characters_cannot_forge_lines), cmocka_unit_test(test_threshold))
