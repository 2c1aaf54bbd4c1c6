#include "init/handover.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/child_report.h"
#include "init/workload_credentials.h"
#include "init/workload_plan.h"
#include "init/workload_rootfs.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/seccomp/install.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace bp {
namespace {

constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Result<Pipe> make_output_pipe(const char *name) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return Error::from_errno(format("pipe2 for the workload's %s", name), errno);
  Pipe p{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (fcntl(p.read_end.get(), F_SETFL, O_NONBLOCK) != 0)
    return Error::from_errno(format("making the workload's %s pipe non-blocking", name), errno);
  return p;
}

StepResult connect_stdio(const WorkloadPlan &plan) {
  if (setsid() < 0) return step_failed(WorkloadStep::stdio, errno);
  if (dup2(plan.stdin_fd, 0) < 0 || dup2(plan.stdout_fd, 1) < 0 || dup2(plan.stderr_fd, 2) < 0)
    return step_failed(WorkloadStep::stdio, errno);
  // Whatever else PID 1 has open must not leak into the workload.
  syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  return std::nullopt;
}

StepResult lock_down(const WorkloadPlan &plan) {
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, nullptr) != 0) return step_failed(WorkloadStep::signals, errno);
  if (plan.seccomp == nullptr) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return step_failed(WorkloadStep::no_new_privs, errno);
    return std::nullopt;
  }
  Status loaded = install_seccomp(*plan.seccomp);
  if (!loaded.ok()) {
    int err = loaded.error().errno_value();
    return step_failed(WorkloadStep::seccomp, err != 0 ? err : EINVAL);
  }
  return std::nullopt;
}

[[noreturn]] void run_child(const WorkloadPlan &plan, ChildReport &report) {
  // Inherited handlers would not survive execve, but ignored signals would.
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) (void)signal(sig, SIG_DFL);
  }
  StepResult failed = connect_stdio(plan);
  if (!failed) failed = enter_rootfs(plan);
  if (!failed) failed = apply_credentials(plan.spec->process);
  if (!failed) failed = lock_down(plan);
  if (failed) report.fail(*failed);

  // execvp's rule: keep trying on ENOENT, remember a permission problem.
  int err = ENOENT;
  for (const std::string &candidate : plan.exec_candidates) {
    execve(candidate.c_str(), plan.argv.data(), plan.envp.data());
    if (errno == EACCES || err == ENOENT) err = errno;
  }
  report.fail(StepError{WorkloadStep::execve, 0, err});
}

Result<std::string> resolve_rootfs(const RuntimeSpec &spec, const HandoverParams &params) {
  std::string path =
      starts_with(spec.root_path, "/") ? spec.root_path : params.bundle_dir + "/" + spec.root_path;
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr)
    return Error::from_errno(format("root.path %s", path.c_str()), errno);
  struct stat st;
  if (stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode))
    return Error(format("root.path %s is not a directory", resolved));
  return std::string(resolved);
}

Status check_spec(const RuntimeSpec &spec, const HandoverParams &params) {
  if (spec.process.args.empty()) return Error("process.args is empty");
  if (!spec.namespaces.mount) return Error("the workload needs its own mount namespace");
  if (spec.hostname && !spec.namespaces.uts) return Error("a hostname needs a UTS namespace");
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    if (spec.mounts[i].type == MountType::data_bind && !params.data_dir)
      return Error(format("mounts[%zu] binds the data volume, but this VM has none", i));
  }
  return {};
}

}  // namespace

std::vector<std::string> exec_candidates(const ProcessSpec &process) {
  const std::string &name = process.args.empty() ? std::string() : process.args[0];
  if (name.find('/') != std::string::npos) return {name};
  std::string_view path = kDefaultPath;
  for (const std::string &entry : process.env) {
    if (starts_with(entry, "PATH=")) {
      path = std::string_view(entry).substr(5);
      break;
    }
  }
  std::vector<std::string> candidates;
  for (std::string_view dir : split(path, ':')) {
    candidates.push_back(dir.empty() ? name : std::string(dir) + "/" + name);
  }
  return candidates;
}

Result<WorkloadProcess> start_workload(const RuntimeSpec &spec, const HandoverParams &params) {
  TRY(check_spec(spec, params));
  WorkloadPlan plan;
  plan.spec = &spec;
  plan.rootfs = TRY(resolve_rootfs(spec, params));
  plan.data_dir = params.data_dir;
  plan.seccomp = params.seccomp;
  plan.exec_candidates = exec_candidates(spec.process);
  for (const std::string &arg : spec.process.args) plan.argv.push_back(const_cast<char *>(arg.c_str()));
  plan.argv.push_back(nullptr);
  for (const std::string &var : spec.process.env) plan.envp.push_back(const_cast<char *>(var.c_str()));
  plan.envp.push_back(nullptr);

  Pipe out = TRY(make_output_pipe("stdout"));
  Pipe err = TRY(make_output_pipe("stderr"));
  UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull.valid()) return Error::from_errno("opening /dev/null", errno);
  plan.stdin_fd = devnull.get();
  plan.stdout_fd = out.write_end.get();
  plan.stderr_fd = err.write_end.get();
  ChildReport report = TRY(ChildReport::create());

  unsigned long flags = CLONE_NEWNS;
  if (spec.namespaces.uts) flags |= CLONE_NEWUTS;
  if (spec.namespaces.ipc) flags |= CLONE_NEWIPC;
  if (spec.namespaces.pid) flags |= CLONE_NEWPID;
  // clone without a new stack behaves like fork, with namespaces; the child
  // only makes system calls until execve (PID 1 has no other threads).
  long pid = syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return Error::from_errno("clone for the workload", errno);
  if (pid == 0) run_child(plan, report);

  out.write_end.reset();
  err.write_end.reset();
  std::optional<StepError> failure = TRY(report.wait_for_exec());
  if (failure) {
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
    return Error::from_errno(format("workload setup: %s", describe_step(*failure, spec).c_str()),
                             failure->err);
  }
  WorkloadProcess process;
  process.pid = static_cast<pid_t>(pid);
  process.stdout_fd = std::move(out.read_end);
  process.stderr_fd = std::move(err.read_end);
  return process;
}

}  // namespace bp
