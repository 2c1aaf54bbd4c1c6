// bp-init's supervise stage (DESIGN.md section 2): PID 1's loop once the
// workload runs.
// - Reaps every child: the workload, the agent and orphans that the kernel
//   re-parents to PID 1 (or to a subreaper: tests run this as an ordinary
//   process with PR_SET_CHILD_SUBREAPER).
// - SIGTERM, SIGINT (Ctrl-Alt-Del once the kernel's CAD is off) and a power
//   button press forward SIGTERM to the workload; after the grace period its
//   whole process group gets SIGKILL. (A workload that is PID 1 of its own
//   PID namespace only receives SIGTERM if it handles it: kernel rule.)
// - Relays the workload's stdout and stderr to the log, line by line.
// - Restarts the agent with exponential backoff when it dies; the workload
//   is not touched.
// - When the workload exits: kills what is left of its process group, stops
//   the agent (SIGTERM, then SIGKILL) and returns the exit status. Syncing,
//   unmounting, removing dm devices and powering off are the caller's.
#pragma once

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "init/agent_launch.h"
#include "init/handover.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

struct SupervisorConfig {
  uint64_t grace_period_ms = 10000;
  std::optional<AgentCommand> agent;
  uint64_t agent_backoff_initial_ms = 1000;
  uint64_t agent_backoff_max_ms = 60000;
  uint64_t agent_stable_ms = 60000;  // an agent that ran this long restarts without delay growth
  uint64_t agent_stop_grace_ms = 2000;
  std::vector<int> power_button_fds;  // evdev devices (power_button.h), not owned
};

struct WorkloadExit {
  bool signaled = false;
  int code = 0;  // exit status, or the signal number if signaled
  bool killed_after_grace = false;
  unsigned orphans_reaped = 0;
  unsigned agent_restarts = 0;

  // "exited with status 3", "killed by signal 9 (Killed)".
  std::string describe() const;
  // The shell's convention: the status, or 128 + the signal.
  int shell_status() const { return signaled ? 128 + code : code; }
};

class Supervisor {
 public:
  // Blocks SIGCHLD, SIGTERM and SIGINT and reads them through a signalfd.
  // Create it before starting any child, so that no exit goes unnoticed.
  static Result<Supervisor> create(SupervisorConfig config, Log log);

  Supervisor(Supervisor &&other) noexcept;
  Supervisor &operator=(Supervisor &&) = delete;
  Supervisor(const Supervisor &) = delete;
  Supervisor &operator=(const Supervisor &) = delete;
  ~Supervisor();  // restores the signal mask (for tests; PID 1 never gets here)

  // Starts the agent if the config names one and the image has it.
  Status start_agent();
  pid_t agent_pid() const { return agent_pid_; }

  // Runs until the workload has exited, then cleans up as described above.
  Result<WorkloadExit> run(WorkloadProcess workload);

 private:
  Supervisor(SupervisorConfig config, Log log, UniqueFd signal_fd, sigset_t old_mask)
      : config_(std::move(config)),
        log_(std::move(log)),
        signal_fd_(std::move(signal_fd)),
        old_mask_(old_mask) {}

  // The state of one run().
  struct Run {
    pid_t workload = -1;
    std::optional<int> status;  // the workload's wait status once it exited
    WorkloadExit exit;
    std::optional<uint64_t> kill_at_ms;  // the end of the grace period
    bool stopping = false;               // stop requested or workload gone: no agent restarts
  };

  void reap(Run &run);
  void agent_died(int status, bool stopping);
  void restart_agent_if_due(uint64_t now_ms);
  void request_stop(Run &run, const char *reason);
  void read_signals(Run &run);
  void stop_agent(Run &run);
  // SIGKILL to a process group, then reap its members.
  void kill_group(Run &run, pid_t group);

  SupervisorConfig config_;
  Log log_;
  UniqueFd signal_fd_;
  sigset_t old_mask_;
  bool restore_mask_ = true;

  pid_t agent_pid_ = -1;
  uint64_t agent_started_ms_ = 0;
  uint64_t agent_backoff_ms_ = 0;
  std::optional<uint64_t> agent_restart_at_ms_;
  unsigned agent_restarts_ = 0;
};

}  // namespace bp
