// The handover as root on the host: a busybox workload in a temporary root
// filesystem, in its own namespaces, with the configured mounts, identity,
// capabilities and seccomp filter; setup failures come back naming the step.
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "init/handover.h"
#include "init/supervise.h"
#include "lib/oci/spec_json.h"
#include "lib/seccomp/compile.h"
#include "lib/seccomp/profile_json.h"
#include "tests/unit/init/workload_fixture.h"

namespace {

using bp_test::WorkloadFixture;

bp::HandoverParams params_for(const WorkloadFixture &f) {
  bp::HandoverParams params;
  params.bundle_dir = bp_test::bundle_dir(f);
  params.data_dir = f.data;
  return params;
}

bp::WorkloadExit run_to_end(WorkloadFixture &f, const bp::HandoverParams &params) {
  bp::Supervisor supervisor = ASSERT_OK(bp::Supervisor::create(bp::SupervisorConfig{}, f.log));
  bp::WorkloadProcess workload = ASSERT_OK(bp::start_workload(f.spec, params));
  bp::WorkloadExit exit = ASSERT_OK(supervisor.run(std::move(workload)));
  assert_true(bp_test::no_children_left());
  return exit;
}

void expect_exit_code(const bp::WorkloadExit &exit, int code, const WorkloadFixture &f) {
  if (exit.signaled || exit.code != code)
    fail_msg("workload %s, expected status %d; log:\n%s", exit.describe().c_str(), code,
             f.log_text().c_str());
}

void test_exit_status_propagates(void **) {
  auto f = bp_test::make_workload("exit 7");
  expect_exit_code(run_to_end(*f, params_for(*f)), 7, *f);
  f->expect_log("workload exited with status 7");
}

void test_death_by_signal_propagates(void **) {
  auto f = bp_test::make_workload("kill -KILL $$");
  bp::WorkloadExit exit = run_to_end(*f, params_for(*f));
  assert_true(exit.signaled);
  assert_int_equal(exit.code, SIGKILL);
  assert_int_equal(exit.shell_status(), 137);
}

void test_output_goes_to_the_log_by_line(void **) {
  auto f = bp_test::make_workload("echo hello; echo oops >&2; echo two; printf 'no newline'");
  expect_exit_code(run_to_end(*f, params_for(*f)), 0, *f);
  f->expect_log(" ms] bp-init workload: hello\n");
  f->expect_log(" ms] bp-init workload stderr: oops\n");
  f->expect_log(" ms] bp-init workload: two\n");
  f->expect_log(" ms] bp-init workload: no newline\n");
}

void test_rootfs_mounts_and_hostname(void **) {
  auto f = bp_test::make_workload(
      "set -e; test -x /bin/busybox; test ! -e /bundle; "
      "grep -q ' /proc proc ' /proc/mounts; grep -q ' /tmp tmpfs ' /proc/mounts; "
      "echo discard > /dev/null; test -c /dev/urandom; test -L /dev/fd; "
      "cat /data/hello.txt; touch /data/written-by-workload; "
      "hostname; test -z \"$(ls /tmp)\"; mkdir /tmp/scratch");
  f->spec.hostname = "bp-test";
  f->spec.namespaces.uts = true;
  bp::MountSpec data;
  data.type = bp::MountType::data_bind;
  data.destination = "/data";
  data.flags = MS_BIND | MS_NOSUID | MS_NODEV;
  f->spec.mounts.push_back(data);
  expect_exit_code(run_to_end(*f, params_for(*f)), 0, *f);
  f->expect_log("workload: from the data volume\n");
  f->expect_log("workload: bp-test\n");
  assert_int_equal(access((f->data + "/written-by-workload").c_str(), F_OK), 0);
  // The mounts stayed in the workload's namespace.
  assert_int_equal(access((f->rootfs + "/tmp/scratch").c_str(), F_OK), -1);
}

void test_readonly_root_masked_and_readonly_paths(void **) {
  auto f = bp_test::make_workload(
      "touch /etc-file 2>/dev/null && exit 10; "
      "test -z \"$(cat /secret)\" || exit 11; "
      "touch /tmp/ok || exit 12; "
      "touch /data/x 2>/dev/null && exit 13; exit 0");
  ASSERT_OK(bp::write_file_atomic(f->rootfs + "/secret", bp::ByteView::of_string("hidden")));
  f->spec.root_readonly = true;
  f->spec.masked_paths = {"/secret", "/does-not-exist"};
  bp::MountSpec data;
  data.type = bp::MountType::data_bind;
  data.destination = "/data";
  data.flags = MS_BIND;
  f->spec.mounts.push_back(data);
  f->spec.readonly_paths = {"/data"};
  expect_exit_code(run_to_end(*f, params_for(*f)), 0, *f);
}

void test_pid_namespace(void **) {
  auto f = bp_test::make_workload("echo pid=$$ ppid=$PPID");
  f->spec.namespaces.pid = true;
  expect_exit_code(run_to_end(*f, params_for(*f)), 0, *f);
  f->expect_log("workload: pid=1 ppid=0\n");
}

void test_user_groups_and_capabilities(void **) {
  auto f =
      bp_test::make_workload("id -u; id -g; id -G; grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status");
  f->spec.process.user.uid = 1000;
  f->spec.process.user.gid = 1001;
  f->spec.process.user.additional_gids = {2000, 2001};
  bp::CapabilitySets &caps = f->spec.process.capabilities;
  uint64_t bind_service = uint64_t{1} << 10;  // CAP_NET_BIND_SERVICE
  caps.bounding = caps.effective = caps.permitted = caps.inheritable = caps.ambient = bind_service;
  expect_exit_code(run_to_end(*f, params_for(*f)), 0, *f);
  f->expect_log("workload: 1000\n");
  f->expect_log("workload: 1001\n");
  f->expect_log("workload: 1001 2000 2001\n");
  // Log turns the tabs of /proc/self/status into '?'.
  f->expect_log("workload: CapEff:?0000000000000400\n");
  f->expect_log("workload: CapPrm:?0000000000000400\n");
  f->expect_log("workload: CapBnd:?0000000000000400\n");
  f->expect_log("workload: CapAmb:?0000000000000400\n");
  f->expect_log("workload: NoNewPrivs:?1\n");
  f->expect_log("workload: Seccomp:?0\n");  // no filter given here
}

void test_rlimits_umask_and_oom_score(void **) {
  auto f = bp_test::make_workload("ulimit -n; umask; cat /proc/self/oom_score_adj");
  bp::ResourceLimit nofile;
  nofile.resource = RLIMIT_NOFILE;
  nofile.soft = 123;
  nofile.hard = 456;
  f->spec.process.rlimits = {nofile};
  f->spec.process.user.umask = 077;
  f->spec.process.oom_score_adj = 300;
  expect_exit_code(run_to_end(*f, params_for(*f)), 0, *f);
  f->expect_log("workload: 123\n");
  f->expect_log("workload: 0077\n");
  f->expect_log("workload: 300\n");
}

void test_seccomp_filter_is_loaded_last(void **) {
  auto f = bp_test::make_workload("grep '^Seccomp:' /proc/self/status; mkdir /tmp/denied || exit 42");
  bp::SeccompProfile profile;
  profile.default_action = bp::SeccompAction::allow;
  bp::SeccompRule deny_mkdir;
  deny_mkdir.names = {"mkdir", "mkdirat"};
  deny_mkdir.action = bp::SeccompAction::errno_return;
  deny_mkdir.errno_ret = EROFS;
  profile.syscalls.push_back(deny_mkdir);
  bp::CompiledFilter filter = ASSERT_OK(bp::compile_seccomp(profile));
  bp::HandoverParams params = params_for(*f);
  params.seccomp = &filter;
  expect_exit_code(run_to_end(*f, params), 42, *f);
  f->expect_log("workload: Seccomp:?2\n");
  f->expect_log("Read-only file system");
}

void test_runs_under_the_default_profile(void **) {
  auto f = bp_test::make_workload(
      "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; mkdir /tmp/d; sleep 0.01; cat /proc/self/status > "
      "/dev/null");
  bp::SeccompProfile profile = ASSERT_OK(bp::load_seccomp_profile("rootfs/seccomp-default.json"));
  bp::CompiledFilter filter = ASSERT_OK(bp::compile_seccomp(profile));
  bp::HandoverParams params = params_for(*f);
  params.seccomp = &filter;
  expect_exit_code(run_to_end(*f, params), 0, *f);
  f->expect_log("workload: Seccomp:?2\n");
  f->expect_log("workload: NoNewPrivs:?1\n");
}

void test_bundle_from_config_json(void **) {
  auto f = bp_test::make_workload("unused");
  const char *config = R"({
    "ociVersion": "1.1.0",
    "root": {"path": "rootfs", "readonly": true},
    "process": {
      "user": {"uid": 65534, "gid": 65534},
      "args": ["sh", "-c", "id -u; hostname; cat /data/hello.txt; touch /rootfs-file 2>/dev/null || echo read-only"],
      "env": ["PATH=/bin"],
      "cwd": "/tmp",
      "noNewPrivileges": true
    },
    "hostname": "from-config",
    "mounts": [
      {"destination": "/proc", "type": "proc", "source": "proc"},
      {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
      {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]},
      {"destination": "/data", "type": "bind", "source": "/data", "options": ["rbind", "ro"]}
    ],
    "linux": {"namespaces": [{"type": "mount"}, {"type": "uts"}, {"type": "ipc"}, {"type": "pid"}],
              "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"]}
  })";
  std::string path = bp_test::bundle_dir(*f) + "/config.json";
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string(config)));
  f->spec = ASSERT_OK(bp::load_runtime_spec(path));
  bp::SeccompProfile profile = ASSERT_OK(bp::load_seccomp_profile("rootfs/seccomp-default.json"));
  bp::CompiledFilter filter = ASSERT_OK(bp::compile_seccomp(profile));
  bp::HandoverParams params = params_for(*f);
  params.seccomp = &filter;
  expect_exit_code(run_to_end(*f, params), 0, *f);
  f->expect_log("workload: 65534\n");
  f->expect_log("workload: from-config\n");
  f->expect_log("workload: from the data volume\n");
  f->expect_log("workload: read-only\n");
}

void expect_setup_error(WorkloadFixture &f, const bp::HandoverParams &params, const char *text) {
  bp::Supervisor supervisor = ASSERT_OK(bp::Supervisor::create(bp::SupervisorConfig{}, f.log));
  ASSERT_ERROR_CONTAINS(bp::start_workload(f.spec, params), text);
  assert_true(bp_test::no_children_left());  // the failed child was reaped
}

void test_setup_failures_name_the_step(void **) {
  auto f = bp_test::make_workload("exit 0");
  bp::HandoverParams params = params_for(*f);

  f->spec.process.cwd = "/nonexistent";
  expect_setup_error(
      *f, params,
      "workload setup: changing to the working directory /nonexistent (process.cwd): No such file");
  f->spec.process.cwd = "/";

  f->spec.process.args = {"/bin/no-such-program"};
  expect_setup_error(*f, params,
                     "workload setup: executing /bin/no-such-program (process.args[0]): No such file");
  f->spec.process.args = {"no-such-program"};
  expect_setup_error(*f, params, "executing no-such-program (process.args[0]): No such file");
  f->spec.process.args = {"true"};  // found through PATH=/bin
  bp::WorkloadExit exit = run_to_end(*f, params);
  assert_int_equal(exit.code, 0);

  bp::ResourceLimit bad;
  bad.resource = RLIMIT_NOFILE;
  bad.soft = 10;
  bad.hard = 5;
  f->spec.process.rlimits = {bad};
  expect_setup_error(*f, params, "setting RLIMIT_NOFILE (rlimits[0]): Invalid argument");
  f->spec.process.rlimits.clear();

  f->spec.mounts[2].data = "size=lots";
  expect_setup_error(*f, params, "workload setup: mounting tmpfs at /tmp (mounts[2]): Invalid argument");
  f->spec.mounts[2].data.clear();

  f->spec.process.capabilities.permitted &= ~uint64_t{1};  // CAP_CHOWN stays effective: not a subset
  expect_setup_error(*f, params,
                     "setting the effective, permitted and inheritable capabilities: Operation not");
  f->spec.process.capabilities.permitted = f->spec.process.capabilities.effective;

  bp::MountSpec data;
  data.type = bp::MountType::data_bind;
  data.destination = "/data";
  data.flags = MS_BIND;
  f->spec.mounts.push_back(data);
  bp::HandoverParams no_data = params;
  no_data.data_dir.reset();
  expect_setup_error(*f, no_data, "mounts[3] binds the data volume, but this VM has none");
  bp::HandoverParams missing_data = params;
  missing_data.data_dir = f->dir.file("no-such-dir");
  expect_setup_error(*f, missing_data, "mounting the data volume at /data (mounts[3]): No such file");
  f->spec.mounts.pop_back();

  f->spec.root_path = "missing-rootfs";
  expect_setup_error(*f, params, "missing-rootfs");
  f->spec.root_path = "rootfs";

  f->spec.hostname = "x";
  expect_setup_error(*f, params, "a hostname needs a UTS namespace");
}

void test_exec_candidates(void **) {
  bp::ProcessSpec p;
  p.args = {"/abs/prog"};
  assert_int_equal(bp::exec_candidates(p).size(), 1);
  p.args = {"prog"};
  p.env = {"HOME=/", "PATH=/a::/b"};
  std::vector<std::string> c = bp::exec_candidates(p);
  assert_int_equal(c.size(), 3);
  assert_string_equal(c[0].c_str(), "/a/prog");
  assert_string_equal(c[1].c_str(), "prog");
  assert_string_equal(c[2].c_str(), "/b/prog");
  p.env.clear();
  c = bp::exec_candidates(p);
  assert_string_equal(c.front().c_str(), "/usr/local/sbin/prog");
  assert_string_equal(c.back().c_str(), "/bin/prog");
}

}  // namespace

RUN_TESTS("init/handover", cmocka_unit_test(test_exit_status_propagates),
          cmocka_unit_test(test_death_by_signal_propagates),
          cmocka_unit_test(test_output_goes_to_the_log_by_line),
          cmocka_unit_test(test_rootfs_mounts_and_hostname),
          cmocka_unit_test(test_readonly_root_masked_and_readonly_paths),
          cmocka_unit_test(test_pid_namespace), cmocka_unit_test(test_user_groups_and_capabilities),
          cmocka_unit_test(test_rlimits_umask_and_oom_score),
          cmocka_unit_test(test_seccomp_filter_is_loaded_last),
          cmocka_unit_test(test_runs_under_the_default_profile),
          cmocka_unit_test(test_bundle_from_config_json), cmocka_unit_test(test_setup_failures_name_the_step),
          cmocka_unit_test(test_exec_candidates))
