#include "init/supervise.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "init/output_relay.h"
#include "init/power_button.h"
#include "lib/core/clock.h"
#include "lib/core/format.h"

namespace bp {
namespace {

constexpr uint64_t kGroupReapLimitMs = 5000;

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return format("exited with status %d", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return format("killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return format("changed state (wait status %#x)", status);
}

int poll_timeout(uint64_t now, std::initializer_list<std::optional<uint64_t>> deadlines) {
  int timeout = -1;
  for (const std::optional<uint64_t> &deadline : deadlines) {
    if (!deadline) continue;
    uint64_t wait = *deadline > now ? *deadline - now : 0;
    int ms = static_cast<int>(std::min<uint64_t>(wait, 60000));
    timeout = timeout < 0 ? ms : std::min(timeout, ms);
  }
  return timeout;
}

}  // namespace

std::string WorkloadExit::describe() const {
  if (signaled) return format("killed by signal %d (%s)", code, strsignal(code));
  return format("exited with status %d", code);
}

Result<Supervisor> Supervisor::create(SupervisorConfig config, Log log) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigset_t old;
  if (sigprocmask(SIG_BLOCK, &set, &old) != 0)
    return Error::from_errno("blocking SIGCHLD, SIGTERM and SIGINT", errno);
  UniqueFd fd(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd.valid()) {
    int err = errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    return Error::from_errno("signalfd", err);
  }
  return Supervisor(std::move(config), std::move(log), std::move(fd), old);
}

Supervisor::Supervisor(Supervisor &&other) noexcept
    : config_(std::move(other.config_)),
      log_(std::move(other.log_)),
      signal_fd_(std::move(other.signal_fd_)),
      old_mask_(other.old_mask_),
      restore_mask_(std::exchange(other.restore_mask_, false)),
      agent_pid_(std::exchange(other.agent_pid_, -1)),
      agent_started_ms_(other.agent_started_ms_),
      agent_backoff_ms_(other.agent_backoff_ms_),
      agent_restart_at_ms_(other.agent_restart_at_ms_),
      agent_restarts_(other.agent_restarts_) {}

Supervisor::~Supervisor() {
  if (!restore_mask_) return;
  // Consume what is pending, so that unblocking cannot deliver a SIGTERM.
  signalfd_siginfo info;
  while (read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
  }
  sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

Status Supervisor::start_agent() {
  if (!config_.agent) return {};
  if (!agent_present(*config_.agent)) {
    log_.info("no agent at %s: running without one", config_.agent->path.c_str());
    return {};
  }
  agent_pid_ = TRY_CONTEXT(spawn_agent(*config_.agent), "starting the agent");
  agent_started_ms_ = monotonic_ms();
  agent_backoff_ms_ = config_.agent_backoff_initial_ms;
  log_.info("agent %s started (pid %d)", config_.agent->path.c_str(), agent_pid_);
  return {};
}

void Supervisor::agent_died(int status, bool stopping) {
  agent_pid_ = -1;
  if (stopping) {
    log_.info("agent %s", describe_wait_status(status).c_str());
    return;
  }
  uint64_t now = monotonic_ms();
  if (now - agent_started_ms_ >= config_.agent_stable_ms)
    agent_backoff_ms_ = config_.agent_backoff_initial_ms;
  agent_restart_at_ms_ = now + agent_backoff_ms_;
  log_.warning("agent %s; restarting it in %llu ms", describe_wait_status(status).c_str(),
               static_cast<unsigned long long>(agent_backoff_ms_));
  agent_backoff_ms_ = std::min(agent_backoff_ms_ * 2, config_.agent_backoff_max_ms);
}

void Supervisor::restart_agent_if_due(uint64_t now_ms) {
  if (!agent_restart_at_ms_ || now_ms < *agent_restart_at_ms_) return;
  agent_restart_at_ms_.reset();
  Result<pid_t> pid = spawn_agent(*config_.agent);
  if (!pid.ok()) {
    agent_restart_at_ms_ = now_ms + agent_backoff_ms_;
    log_.error("restarting the agent: %s; next attempt in %llu ms", pid.error().message().c_str(),
               static_cast<unsigned long long>(agent_backoff_ms_));
    agent_backoff_ms_ = std::min(agent_backoff_ms_ * 2, config_.agent_backoff_max_ms);
    return;
  }
  agent_pid_ = pid.value();
  agent_started_ms_ = now_ms;
  ++agent_restarts_;
  log_.info("agent restarted (pid %d)", agent_pid_);
}

void Supervisor::reap(Run &run) {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
    if (pid <= 0) return;  // none left to reap now, or no children at all
    if (pid == run.workload) {
      run.status = status;
      run.stopping = true;
    } else if (pid == agent_pid_) {
      agent_died(status, run.stopping);
    } else {
      ++run.exit.orphans_reaped;
      log_.debug("reaped orphan %d, %s", pid, describe_wait_status(status).c_str());
    }
  }
}

void Supervisor::request_stop(Run &run, const char *reason) {
  if (run.status) return;
  log_.info("%s: sending SIGTERM to the workload (grace period %llu ms)", reason,
            static_cast<unsigned long long>(config_.grace_period_ms));
  kill(run.workload, SIGTERM);
  run.stopping = true;
  if (!run.kill_at_ms) run.kill_at_ms = monotonic_ms() + config_.grace_period_ms;
}

void Supervisor::read_signals(Run &run) {
  signalfd_siginfo info;
  while (read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
    if (info.ssi_signo == SIGCHLD) reap(run);
    if (info.ssi_signo == SIGTERM) request_stop(run, "SIGTERM");
    if (info.ssi_signo == SIGINT) request_stop(run, "SIGINT");
  }
  // Exits can coalesce into one SIGCHLD, or arrive before it is read.
  reap(run);
}

void Supervisor::kill_group(Run &run, pid_t group) {
  if (kill(-group, SIGKILL) != 0) return;  // nobody left in it
  // Its members are (or become, when their parents die) our children; a
  // process stuck in the kernel must not hold PID 1 forever, hence the limit.
  uint64_t deadline = monotonic_ms() + kGroupReapLimitMs;
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-group, &status, WNOHANG | __WALL);
    if (pid < 0) return;  // none left
    if (pid > 0) {
      if (pid == run.workload) {
        run.status = status;
      } else if (pid == agent_pid_) {
        agent_died(status, true);
      } else {
        ++run.exit.orphans_reaped;
      }
      continue;
    }
    uint64_t now = monotonic_ms();
    if (now >= deadline) {
      log_.warning("processes of group %d did not die within %llu ms", group,
                   static_cast<unsigned long long>(kGroupReapLimitMs));
      return;
    }
    pollfd fd{signal_fd_.get(), POLLIN, 0};
    poll(&fd, 1, poll_timeout(now, {deadline}));
    signalfd_siginfo info;
    while (read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
    }
  }
}

void Supervisor::stop_agent(Run &run) {
  agent_restart_at_ms_.reset();
  if (agent_pid_ <= 0) return;
  pid_t group = agent_pid_;  // the agent called setsid
  kill(agent_pid_, SIGTERM);
  uint64_t deadline = monotonic_ms() + config_.agent_stop_grace_ms;
  while (agent_pid_ > 0) {
    uint64_t now = monotonic_ms();
    if (now >= deadline) {
      log_.warning("the agent did not stop within %llu ms: killing it",
                   static_cast<unsigned long long>(config_.agent_stop_grace_ms));
      break;
    }
    pollfd fd{signal_fd_.get(), POLLIN, 0};
    poll(&fd, 1, poll_timeout(now, {deadline}));
    read_signals(run);
  }
  kill_group(run, group);
}

Result<WorkloadExit> Supervisor::run(WorkloadProcess workload) {
  Run run;
  run.workload = workload.pid;
  OutputRelay out(std::move(workload.stdout_fd), log_.stage("workload"));
  OutputRelay err(std::move(workload.stderr_fd), log_.stage("workload stderr"));
  reap(run);  // it may have exited before we listened

  while (!run.status) {
    uint64_t now = monotonic_ms();
    if (run.kill_at_ms && now >= *run.kill_at_ms) {
      log_.warning("the workload did not stop within %llu ms: killing its process group",
                   static_cast<unsigned long long>(config_.grace_period_ms));
      kill(-run.workload, SIGKILL);  // the child called setsid: its group id is its pid
      kill(run.workload, SIGKILL);
      run.exit.killed_after_grace = true;
      run.kill_at_ms.reset();
    }
    if (!run.stopping) restart_agent_if_due(now);

    std::vector<pollfd> fds;
    fds.push_back({signal_fd_.get(), POLLIN, 0});
    if (out.open()) fds.push_back({out.fd(), POLLIN, 0});
    if (err.open()) fds.push_back({err.fd(), POLLIN, 0});
    for (int button : config_.power_button_fds) fds.push_back({button, POLLIN, 0});
    int timeout = poll_timeout(now, {run.kill_at_ms, run.stopping ? std::nullopt : agent_restart_at_ms_});
    if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) return Error::from_errno("poll", errno);

    read_signals(run);
    out.pump();
    err.pump();
    for (const pollfd &fd : fds) {
      bool is_button = std::find(config_.power_button_fds.begin(), config_.power_button_fds.end(), fd.fd) !=
                       config_.power_button_fds.end();
      if (is_button && (fd.revents & POLLIN) && power_button_pressed(fd.fd))
        request_stop(run, "power button");
    }
  }

  // Whatever the workload left behind in its process group goes too.
  kill_group(run, run.workload);
  out.finish();
  err.finish();
  stop_agent(run);
  reap(run);

  run.exit.signaled = WIFSIGNALED(*run.status);
  run.exit.code = run.exit.signaled ? WTERMSIG(*run.status) : WEXITSTATUS(*run.status);
  run.exit.agent_restarts = agent_restarts_;
  log_.info("workload %s", run.exit.describe().c_str());
  return run.exit;
}

}  // namespace bp
