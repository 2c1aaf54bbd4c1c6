// Supervision as root on the host (with PR_SET_CHILD_SUBREAPER standing in
// for PID 1): orphans are reaped, SIGTERM/SIGINT/the power button reach the
// workload, the grace period is enforced, the agent is restarted with
// backoff and stopped at the end.
#include <linux/input.h>
#include <signal.h>
#include <sys/wait.h>

#include "init/handover.h"
#include "init/supervise.h"
#include "lib/core/clock.h"
#include "tests/unit/init/workload_fixture.h"

namespace {

using bp_test::WorkloadFixture;

bp::WorkloadExit supervise(WorkloadFixture &f, const bp::SupervisorConfig &config) {
  bp::Supervisor supervisor = ASSERT_OK(bp::Supervisor::create(config, f.log));
  ASSERT_OK(supervisor.start_agent());
  bp::HandoverParams params;
  params.bundle_dir = bp_test::bundle_dir(f);
  bp::WorkloadProcess workload = ASSERT_OK(bp::start_workload(f.spec, params));
  bp::WorkloadExit exit = ASSERT_OK(supervisor.run(std::move(workload)));
  assert_int_equal(supervisor.agent_pid(), -1);
  if (!bp_test::no_children_left()) fail_msg("children left after run; log:\n%s", f.log_text().c_str());
  return exit;
}

void test_orphans_are_reaped(void **) {
  // The inner shell exits at once; its background sleep is re-parented to
  // us (the subreaper) and must be reaped when it ends.
  auto f = bp_test::make_workload("sh -c 'sleep 0.1 &'; sleep 1; exit 3");
  bp::WorkloadExit exit = supervise(*f, bp::SupervisorConfig{});
  assert_int_equal(exit.code, 3);
  assert_true(exit.orphans_reaped >= 1);
  f->expect_log("reaped orphan");
}

void test_sigterm_reaches_the_workload(void **) {
  // The workload asks its parent (the supervisor) to shut down once its
  // trap is in place, so there is no race with the trap's installation.
  auto f = bp_test::make_workload(
      "trap 'echo got TERM; exit 42' TERM; kill -TERM $PPID; while :; do sleep 0.05; done");
  bp::SupervisorConfig config;
  config.grace_period_ms = 20000;
  bp::WorkloadExit exit = supervise(*f, config);
  assert_false(exit.signaled);
  assert_int_equal(exit.code, 42);
  assert_false(exit.killed_after_grace);
  f->expect_log("SIGTERM: sending SIGTERM to the workload (grace period 20000 ms)");
  f->expect_log("workload: got TERM\n");
}

void test_sigint_also_stops_the_workload(void **) {
  auto f = bp_test::make_workload("trap 'exit 43' TERM; kill -INT $PPID; while :; do sleep 0.05; done");
  bp::WorkloadExit exit = supervise(*f, bp::SupervisorConfig{});
  assert_int_equal(exit.code, 43);
  f->expect_log("SIGINT: sending SIGTERM to the workload");
}

void test_grace_period_is_enforced(void **) {
  auto f = bp_test::make_workload("trap '' TERM; kill -TERM $PPID; while :; do sleep 0.05; done");
  bp::SupervisorConfig config;
  config.grace_period_ms = 300;
  uint64_t start = bp::monotonic_ms();
  bp::WorkloadExit exit = supervise(*f, config);
  uint64_t elapsed = bp::monotonic_ms() - start;
  assert_true(exit.signaled);
  assert_int_equal(exit.code, SIGKILL);
  assert_true(exit.killed_after_grace);
  assert_true(elapsed >= 300);
  assert_true(elapsed < 20000);  // killed, not waited for
  f->expect_log("the workload did not stop within 300 ms: killing its process group");
}

void test_power_button_stops_the_workload(void **) {
  auto f = bp_test::make_workload("trap 'exit 44' TERM; while :; do sleep 0.05; done");
  int button[2];
  assert_int_equal(pipe2(button, O_NONBLOCK | O_CLOEXEC), 0);
  input_event events[3] = {};
  events[0].type = EV_KEY;
  events[0].code = KEY_A;  // other keys do nothing
  events[0].value = 1;
  events[1].type = EV_KEY;
  events[1].code = KEY_POWER;
  events[1].value = 1;
  events[2].type = EV_SYN;
  assert_int_equal(write(button[1], events, sizeof events), sizeof events);
  bp::SupervisorConfig config;
  config.power_button_fds = {button[0]};
  bp::WorkloadExit exit = supervise(*f, config);
  // The press may come before the shell has set its trap.
  assert_true(exit.code == 44 || (exit.signaled && exit.code == SIGTERM));
  f->expect_log("power button: sending SIGTERM to the workload");
  close(button[0]);
  close(button[1]);
}

void test_agent_restarted_with_backoff(void **) {
  auto f = bp_test::make_workload("sleep 1; exit 0");
  bp::SupervisorConfig config;
  config.agent = bp::AgentCommand{bp_test::kBusybox, {"sh", "-c", "exit 3"}};
  config.agent_backoff_initial_ms = 50;
  config.agent_backoff_max_ms = 200;
  bp::WorkloadExit exit = supervise(*f, config);
  assert_false(exit.signaled);
  assert_int_equal(exit.code, 0);  // the workload is not touched
  // 50 + 100 + 200 + 200 ... ms within the workload's second.
  assert_true(exit.agent_restarts >= 2);
  assert_true(exit.agent_restarts <= 8);
  f->expect_log("agent exited with status 3; restarting it in 50 ms");
  f->expect_log("agent exited with status 3; restarting it in 100 ms");
  f->expect_log("agent exited with status 3; restarting it in 200 ms");
}

void test_agent_is_stopped_with_the_workload(void **) {
  auto f = bp_test::make_workload("sleep 0.2");
  bp::SupervisorConfig config;
  // An agent that ignores SIGTERM is killed after its own grace period.
  config.agent =
      bp::AgentCommand{bp_test::kBusybox, {"sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"}};
  config.agent_stop_grace_ms = 200;
  bp::WorkloadExit exit = supervise(*f, config);
  assert_int_equal(exit.code, 0);
  assert_int_equal(exit.agent_restarts, 0);
  f->expect_log("the agent did not stop within 200 ms: killing it");
}

void test_missing_agent_is_not_an_error(void **) {
  auto f = bp_test::make_workload("exit 0");
  bp::SupervisorConfig config;
  config.agent = bp::AgentCommand{f->dir.file("no-agent"), {}};
  bp::WorkloadExit exit = supervise(*f, config);
  assert_int_equal(exit.code, 0);
  f->expect_log("no agent at ");
}

void test_exit_before_run_is_not_missed(void **) {
  auto f = bp_test::make_workload("exit 9");
  bp::Supervisor supervisor = ASSERT_OK(bp::Supervisor::create(bp::SupervisorConfig{}, f->log));
  bp::HandoverParams params;
  params.bundle_dir = bp_test::bundle_dir(*f);
  bp::WorkloadProcess workload = ASSERT_OK(bp::start_workload(f->spec, params));
  usleep(200 * 1000);  // the workload is a zombie by now
  bp::WorkloadExit exit = ASSERT_OK(supervisor.run(std::move(workload)));
  assert_int_equal(exit.code, 9);
}

void test_exit_descriptions(void **) {
  bp::WorkloadExit exit;
  exit.code = 3;
  assert_string_equal(exit.describe().c_str(), "exited with status 3");
  assert_int_equal(exit.shell_status(), 3);
  exit.signaled = true;
  exit.code = SIGKILL;
  assert_string_equal(exit.describe().c_str(), "killed by signal 9 (Killed)");
  assert_int_equal(exit.shell_status(), 137);
}

}  // namespace

RUN_TESTS("init/supervise", cmocka_unit_test(test_orphans_are_reaped),
          cmocka_unit_test(test_sigterm_reaches_the_workload),
          cmocka_unit_test(test_sigint_also_stops_the_workload),
          cmocka_unit_test(test_grace_period_is_enforced),
          cmocka_unit_test(test_power_button_stops_the_workload),
          cmocka_unit_test(test_agent_restarted_with_backoff),
          cmocka_unit_test(test_agent_is_stopped_with_the_workload),
          cmocka_unit_test(test_missing_agent_is_not_an_error),
          cmocka_unit_test(test_exit_before_run_is_not_missed), cmocka_unit_test(test_exit_descriptions))
