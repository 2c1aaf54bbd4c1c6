// The agent's process-level pieces: running commands (exec), the privilege
// separated exec helper, finding the virtio port by name, log tails, the
// command line, and the agent's own confinement (capabilities, seccomp),
// checked in forked children.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "agent/agent_seccomp.h"
#include "agent/command_runner.h"
#include "agent/exec_helper.h"
#include "agent/log_tail.h"
#include "agent/options.h"
#include "agent/privileges.h"
#include "agent/utf8_text.h"
#include "agent/virtio_port.h"
#include "lib/core/clock.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/http/loopback_client.h"

namespace {

std::string output_of(const bp::CommandResult &r) { return std::string(r.output.begin(), r.output.end()); }

void test_run_command(void **) {
  bp::CommandResult r = ASSERT_OK(bp::run_command({"echo", "hello", "world"}, 5000, 1000));
  assert_int_equal(*r.exit_code, 0);
  assert_false(r.signal.has_value());
  assert_string_equal(output_of(r).c_str(), "hello world\n");
  // stderr joins stdout; the exit code and the environment are the command's.
  r = ASSERT_OK(bp::run_command({"/bin/sh", "-c", "echo out; echo err >&2; echo $PATH; exit 3"}, 5000, 1000));
  assert_int_equal(*r.exit_code, 3);
  assert_string_equal(output_of(r).c_str(), "out\nerr\n/usr/sbin:/usr/bin:/sbin:/bin\n");
  r = ASSERT_OK(bp::run_command({"/bin/sh", "-c", "kill -9 $$"}, 5000, 1000));
  assert_int_equal(*r.signal, 9);
  assert_false(r.timed_out);
  ASSERT_ERROR_CONTAINS(bp::run_command({"/nonexistent/cmd"}, 5000, 1000),
                        "exec: /nonexistent/cmd: No such file");
  ASSERT_ERROR_CONTAINS(bp::run_command({"no-such-command-here"}, 5000, 1000), "No such file");
  ASSERT_ERROR_CONTAINS(bp::run_command({}, 5000, 1000), "empty command");
}

void test_run_command_limits(void **) {
  uint64_t start = bp::monotonic_ms();
  bp::CommandResult r = ASSERT_OK(bp::run_command({"sleep", "10"}, 200, 1000));
  assert_true(r.timed_out);
  assert_int_equal(*r.signal, SIGKILL);
  assert_true(bp::monotonic_ms() - start < 5000);
  // Output beyond the limit is counted as truncated, not buffered.
  r = ASSERT_OK(bp::run_command({"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a"}, 5000, 1000));
  assert_int_equal(r.output.size(), 1000);
  assert_true(r.truncated);
  assert_int_equal(*r.exit_code, 0);
  // A background process that keeps the output open does not keep exec
  // waiting: it is killed when the command exits.
  start = bp::monotonic_ms();
  r = ASSERT_OK(bp::run_command({"/bin/sh", "-c", "sleep 30 & echo started"}, 10000, 1000));
  assert_false(r.timed_out);
  assert_int_equal(*r.exit_code, 0);
  assert_string_equal(output_of(r).c_str(), "started\n");
  assert_true(bp::monotonic_ms() - start < 5000);
}

void test_exec_helper(void **) {
  bp::ExecRequest request;
  request.argv = {"/bin/sh", "-c", "printf 'a\\0b'; exit 4"};
  request.timeout_ms = 5000;
  request.max_output = 100;
  std::string json = ASSERT_OK(bp::exec_request_json(request));
  bp::ExecRequest back = ASSERT_OK(bp::parse_exec_request_json(json));
  assert_int_equal(back.argv.size(), 3);
  ASSERT_ERROR_CONTAINS(bp::parse_exec_request_json("{\"argv\":[],\"timeout_ms\":1,\"max_output\":1}"),
                        "1..64");

  std::unique_ptr<bp::ExecHelper> helper = ASSERT_OK(bp::ExecHelper::start());
  ASSERT_OK(helper->submit(request));
  assert_true(helper->busy());
  ASSERT_ERROR_CONTAINS(helper->submit(request), "another command is running");
  struct pollfd p = {helper->fd(), POLLIN, 0};
  assert_int_equal(poll(&p, 1, 5000), 1);
  bp::CommandResult r = ASSERT_OK(helper->collect());
  assert_false(helper->busy());
  assert_int_equal(*r.exit_code, 4);
  assert_int_equal(r.output.size(), 3);
  assert_int_equal(r.output[1], 0);  // bytes come through unchanged
  request.argv = {"/nonexistent"};
  ASSERT_OK(helper->submit(request));
  assert_int_equal(poll(&p, 1, 5000), 1);
  ASSERT_ERROR_CONTAINS(helper->collect(), "exec: /nonexistent");
}

void test_virtio_port_by_name(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  std::string ports = dir.file("class/virtio-ports");
  for (const char *d : {"class", "class/virtio-ports", "class/virtio-ports/vport0p1",
                        "class/virtio-ports/vport1p2", "class/virtio-ports/vport1p3"})
    assert_int_equal(mkdir(dir.file(d).c_str(), 0755), 0);
  ASSERT_OK(
      bp::write_file_atomic(ports + "/vport0p1/name", bp::ByteView::of_string("org.buckypaper.snp-sim.0\n")));
  ASSERT_OK(
      bp::write_file_atomic(ports + "/vport1p2/name", bp::ByteView::of_string("org.buckypaper.agent.0\n")));
  // vport1p3 has no name file.
  std::string path = ASSERT_OK(bp::find_virtio_port(dir.path(), "/dev", bp::kAgentPortName));
  assert_string_equal(path.c_str(), "/dev/vport1p2");
  ASSERT_ERROR_CONTAINS(bp::find_virtio_port(dir.path(), "/dev", "org.other"),
                        "no virtio port named org.other");
  ASSERT_ERROR_CONTAINS(bp::find_virtio_port(dir.file("nowhere"), "/dev", "x"), "listing");
  ASSERT_OK(
      bp::write_file_atomic(ports + "/vport0p1/name", bp::ByteView::of_string("org.buckypaper.agent.0")));
  ASSERT_ERROR_CONTAINS(bp::find_virtio_port(dir.path(), "/dev", bp::kAgentPortName), "two virtio ports");
  // Opening: the device node under the given /dev.
  ASSERT_OK(bp::write_file_atomic(ports + "/vport0p1/name", bp::ByteView::of_string("other")));
  ASSERT_OK(bp::write_file_atomic(dir.file("vport1p2"), bp::ByteView::of_string("")));
  bp::UniqueFd fd = ASSERT_OK(bp::open_virtio_port(dir.path(), dir.path(), bp::kAgentPortName));
  assert_true(fd.valid());
}

void test_log_tail_and_text(void **) {
  assert_string_equal(
      bp::lossy_utf8(bp::ByteView::of_string("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")).c_str(),
      "plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // Invalid: a lone continuation byte, an overlong form, a surrogate, a
  // truncated sequence, NUL, above U+10FFFF.
  const char bad_bytes[] = "\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82|\0|\xf4\x90\x80\x80";
  std::string bad(bad_bytes, sizeof(bad_bytes) - 1);
  std::string fixed = bp::lossy_utf8(bp::ByteView::of_string(bad));
  assert_string_equal(
      fixed.c_str(),
      "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd"
      "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");

  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_OK(bp::write_file_atomic(dir.file("log"), bp::ByteView::of_string("first\nsecond\nthird\n")));
  bp::LogTail tail = ASSERT_OK(bp::read_log_tail(dir.file("log"), 100));
  assert_string_equal(tail.text.c_str(), "first\nsecond\nthird\n");
  assert_false(tail.truncated);
  tail = ASSERT_OK(bp::read_log_tail(dir.file("log"), 10));
  assert_string_equal(tail.text.c_str(), "third\n");
  assert_true(tail.truncated);
  ASSERT_OK(bp::write_file_atomic(dir.file("log"), bp::ByteView::of_string("no newline at all")));
  tail = ASSERT_OK(bp::read_log_tail(dir.file("log"), 4));
  assert_string_equal(tail.text.c_str(), " all");
  ASSERT_ERROR_CONTAINS(bp::read_log_tail(dir.path(), 4), "not a regular file");
}

void test_options(void **) {
  bp::AgentOptions o = ASSERT_OK(bp::parse_agent_options({}));
  assert_int_equal(o.api_port, 8006);
  assert_string_equal(o.policy.c_str(), "/etc/buckypaper/agent-policy.json");
  assert_true(o.virtio_port);
  o = ASSERT_OK(bp::parse_agent_options({"--port", "0", "--host-tcp", "1024", "--boot-only-resource",
                                         "kbs:///buckypaper/disk/root", "--boot-only-resource", "b/disk/data",
                                         "--api-features", "resource", "--no-virtio-port", "--init-pid", "77",
                                         "--log-level", "debug"}));
  assert_int_equal(o.api_port, 0);
  assert_string_equal(o.host_tcp->to_string().c_str(), "0.0.0.0:1024");
  assert_int_equal(o.boot_only.size(), 2);
  assert_string_equal(o.boot_only[1].uri().c_str(), "kbs:///b/disk/data");
  assert_false(o.features.token);
  assert_false(o.virtio_port);
  assert_int_equal(o.init_pid, 77);
  ASSERT_ERROR_CONTAINS(bp::parse_agent_options({"--port"}), "--port needs a value");
  ASSERT_ERROR_CONTAINS(bp::parse_agent_options({"--port", "70000"}), "0..65535");
  ASSERT_ERROR_CONTAINS(bp::parse_agent_options({"--boot-only-resource", "../x/y"}), "--boot-only-resource");
  ASSERT_ERROR_CONTAINS(bp::parse_agent_options({"--init-pid", "0"}), "process ID");
  ASSERT_ERROR_CONTAINS(bp::parse_agent_options({"--frobnicate"}), "unknown argument '--frobnicate'");
}

// Runs body in a forked child and returns its exit status; the child leaves
// through exit_group directly (no sanitizer teardown under a seccomp filter).
int in_child(int (*body)()) {
  pid_t pid = fork();
  if (pid == 0) syscall(SYS_exit_group, body());  // not _exit: ASan hooks noreturn calls
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

int confined_child() {
  if (!bp::drop_all_capabilities(test::quiet_log()).ok()) return 1;
  if (!bp::set_no_new_privs().ok()) return 2;
  std::string status = bp::read_text_file("/proc/self/status", 65536).value();
  if (status.find("CapEff:\t0000000000000000") == std::string::npos) return 3;
  if (status.find("CapPrm:\t0000000000000000") == std::string::npos) return 4;
  if (status.find("NoNewPrivs:\t1") == std::string::npos) return 5;
  bp::AgentSeccompOptions options;
  options.init_pid = getppid();
  if (!bp::install_agent_seccomp(options).ok()) return 6;
  // What the agent does still works...
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 7;
  char buffer[64];
  if (read(fd, buffer, sizeof(buffer)) <= 0) return 8;
  close(fd);
  // ...and what it never does fails.
  char *const argv[] = {const_cast<char *>("/bin/true"), nullptr};
  execve("/bin/true", argv, nullptr);
  if (errno != EPERM) return 9;
  if (open("/tmp/bp-agent-seccomp-test", O_WRONLY | O_CREAT, 0600) >= 0 || errno != EPERM) return 10;
  if (syscall(SYS_fork) >= 0 || errno != EPERM) return 11;
  if (kill(1, SIGTERM) == 0 || errno != EPERM) return 12;          // only the init PID given, ...
  if (kill(getppid(), SIGKILL) == 0 || errno != EPERM) return 13;  // ...and only SIGTERM
  if (socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EPERM) return 14;
  if (prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0) return 15;
  return 0;
}

// With a broker session (sev-guest provider): TCP client sockets and the
// report ioctls, nothing else of their kind.
int broker_child() {
  bp::AgentSeccompOptions options;
  options.init_pid = getppid();
  options.broker = true;
  options.provider = "sev-guest";
  if (!bp::install_agent_seccomp(options).ok()) return 1;
  int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (tcp < 0) return 2;
  int tcp6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (tcp6 < 0) return 3;
  int one = 1;
  if (setsockopt(tcp, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return 4;
  if (setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 || errno != EPERM) return 5;
  if (socket(AF_INET, SOCK_DGRAM, 0) >= 0 || errno != EPERM) return 6;  // no resolver, no UDP
  if (socket(AF_UNIX, SOCK_STREAM, 0) >= 0 || errno != EPERM) return 7;
  if (ioctl(tcp, FIONREAD, &one) == 0 || errno != EPERM) return 8;  // only the SNP report ioctls
  if (mkdir("/tmp/bp-agent-seccomp-test", 0700) == 0 || errno != EPERM) return 9;  // only for tsm
  if (open("/proc/self/status", O_WRONLY) >= 0 || errno != EPERM) return 10;
  close(tcp);
  close(tcp6);
  return 0;
}

void test_confinement(void **) {
  assert_int_equal(in_child(confined_child), 0);
  assert_int_equal(in_child(broker_child), 0);
}

}  // namespace

RUN_TESTS("agent_process", cmocka_unit_test(test_run_command), cmocka_unit_test(test_run_command_limits),
          cmocka_unit_test(test_exec_helper), cmocka_unit_test(test_virtio_port_by_name),
          cmocka_unit_test(test_log_tail_and_text), cmocka_unit_test(test_options),
          cmocka_unit_test(test_confinement))
