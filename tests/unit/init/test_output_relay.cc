// The workload's output becomes one log line per line: split at newlines,
// long lines cut at kMaxLine, a partial line kept until more comes or the
// pipe ends, control characters neutralised.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "init/output_relay.h"
#include "tests/unit/test_support.h"

namespace {

struct Setup {
  int pipe_fds[2];
  bp::UniqueFd log_fd{memfd_create("log", MFD_CLOEXEC)};

  Setup() { assert_int_equal(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC), 0); }
  ~Setup() {
    if (pipe_fds[1] >= 0) close(pipe_fds[1]);
  }
  bp::Log log() const { return bp::Log("bp-init", bp::Log::Sinks{log_fd.get(), -1, bp::LogLevel::info}); }
  void send(const std::string &text) {
    assert_int_equal(write(pipe_fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void close_writer() {
    close(pipe_fds[1]);
    pipe_fds[1] = -1;
  }
  // The log's messages, without the "[   12 ms] bp-init workload: " prefixes.
  std::string messages() const {
    off_t size = lseek(log_fd.get(), 0, SEEK_END);
    std::string text(static_cast<size_t>(size), '\0');
    assert_int_equal(pread(log_fd.get(), &text[0], text.size(), 0), size);
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string line = text.substr(start, end - start);
      out += line.substr(line.find("workload: ") + 10) + "|";
      start = end + 1;
    }
    return out;
  }
};

void test_lines_and_partial_lines(void **) {
  Setup s;
  bp::OutputRelay relay(bp::UniqueFd(s.pipe_fds[0]), s.log().stage("workload"));
  s.send("one\ntwo\nthr");
  relay.pump();
  assert_string_equal(s.messages().c_str(), "one|two|");
  s.send("ee\n\nfour");
  relay.pump();
  assert_string_equal(s.messages().c_str(), "one|two|three||");
  assert_true(relay.open());
  s.close_writer();
  relay.pump();  // end of file: the partial line goes out
  assert_false(relay.open());
  assert_string_equal(s.messages().c_str(), "one|two|three||four|");
}

void test_long_lines_are_split(void **) {
  Setup s;
  bp::OutputRelay relay(bp::UniqueFd(s.pipe_fds[0]), s.log().stage("workload"));
  std::string long_line(bp::OutputRelay::kMaxLine + 10, 'x');
  s.send(long_line + "\n");
  relay.pump();
  std::string expected = std::string(bp::OutputRelay::kMaxLine, 'x') + "|" + std::string(10, 'x') + "|";
  assert_string_equal(s.messages().c_str(), expected.c_str());
}

void test_control_characters_and_finish(void **) {
  Setup s;
  bp::OutputRelay relay(bp::UniqueFd(s.pipe_fds[0]), s.log().stage("workload"));
  s.send(std::string("a\tb\x1b[31m\0c\nend", 14));
  relay.finish();  // writer still open: finish does not wait for end of file
  assert_false(relay.open());
  assert_string_equal(s.messages().c_str(), "a?b?[31m?c|end|");
}

}  // namespace

RUN_TESTS("init/output_relay", cmocka_unit_test(test_lines_and_partial_lines),
          cmocka_unit_test(test_long_lines_are_split), cmocka_unit_test(test_control_characters_and_finish))
