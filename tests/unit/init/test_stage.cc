// Stage lines and records: start, done with milliseconds, or failed with the
// reason; results pass through unchanged.
#include <unistd.h>

#include "init/stage.h"
#include "tests/unit/test_support.h"

namespace {

std::string drain(int fds[2]) {
  close(fds[1]);
  std::string out;
  char buf[1024];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  return out;
}

void test_success_and_failure(void **) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  bp::Log log("bp-init", bp::Log::Sinks{fds[1], -1, bp::LogLevel::info});
  bp::StageTimeline timeline(log);
  bp::Result<int> value = timeline.run("config", [](const bp::Log &stage) -> bp::Result<int> {
    stage.info("read 3 resources");
    return 42;
  });
  assert_int_equal(ASSERT_OK(std::move(value)), 42);
  bp::Status failed = timeline.run(
      "attest", [](const bp::Log &) -> bp::Status { return bp::Error("broker denied: PolicyDeny"); });
  assert_false(failed.ok());
  std::string out = drain(fds);
  assert_non_null(strstr(out.c_str(), "bp-init config: start\n"));
  assert_non_null(strstr(out.c_str(), "bp-init config: read 3 resources\n"));
  assert_non_null(strstr(out.c_str(), "bp-init config: done in "));
  assert_non_null(strstr(out.c_str(), "bp-init attest: error: failed after "));
  assert_non_null(strstr(out.c_str(), " ms: broker denied: PolicyDeny\n"));
  assert_int_equal(timeline.records().size(), 2);
  assert_true(timeline.records()[0].state == bp::StageRecord::State::done);
  assert_true(timeline.records()[1].state == bp::StageRecord::State::failed);
  assert_string_equal(timeline.records()[1].name.c_str(), "attest");
}

}  // namespace

RUN_TESTS("init/stage", cmocka_unit_test(test_success_and_failure))
