// The host channel's requests, one JSON object per line (agent/README.md):
//
//   {"op": "status"}                                      boot stages, workload state, agent
//   {"op": "shutdown"}                                    asks bp-init to power off
//   {"op": "exec", "argv": [...], "timeout_ms": n}        debug policies only
//   {"op": "logs", "max_bytes": n}                        the end of the workload log
//   {"op": "set-policy", ...}                             always refused
//
// An optional "id" (a string of at most 128 bytes, or an integer) is echoed
// in the reply. Replies are one line each: {"ok": true, "id": ..., ...} or
// {"ok": false, "id": ..., "error": "..."}. Every request is checked against
// the policy before its arguments are even looked at.
#pragma once

#include <stdint.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agent/exec_helper.h"
#include "agent/host_policy.h"
#include "lib/core/log.h"
#include "lib/json/json.h"

namespace bp {

constexpr size_t kMaxHostLine = 64 * 1024;
constexpr size_t kMaxLogsBytes = 64 * 1024;
constexpr size_t kDefaultLogsBytes = 16 * 1024;
constexpr uint64_t kMaxExecTimeoutMs = 60000;
constexpr uint64_t kDefaultExecTimeoutMs = 10000;
constexpr size_t kMaxExecOutput = 64 * 1024;

struct HostOpsConfig {
  std::string status_file = "/run/buckypaper/status.json";
  std::string log_file = "/run/buckypaper/workload.log";
  // Asks bp-init to power off (SIGTERM to PID 1 in the agent).
  std::function<Status()> request_shutdown;
  uint64_t started_ms = 0;  // when the agent started, for its uptime
};

// What to do with one request line.
struct HostDispatch {
  std::string reply;                // a complete reply line, unless exec is set
  std::optional<ExecRequest> exec;  // run this, then reply with exec_reply()
  std::optional<Json> id;
};

class HostDispatcher {
 public:
  HostDispatcher(HostPolicy policy, HostOpsConfig config, Log log)
      : policy_(std::move(policy)), config_(std::move(config)), log_(std::move(log)) {}

  // source names the channel in log lines ("virtio port", "tcp 10.0.2.2:4711").
  HostDispatch handle(std::string_view line, const std::string &source);

  std::string exec_reply(const std::optional<Json> &id, const Result<CommandResult> &result) const;
  std::string error_reply(const std::optional<Json> &id, const std::string &message) const;

  const HostPolicy &policy() const { return policy_; }

 private:
  std::string status_reply(const std::optional<Json> &id) const;
  std::string logs_reply(const Json &request, const std::optional<Json> &id) const;
  HostDispatch exec_dispatch(const Json &request, const std::optional<Json> &id) const;
  std::string shutdown_reply(const Json &request, const std::optional<Json> &id,
                             const std::string &source) const;

  HostPolicy policy_;
  HostOpsConfig config_;
  Log log_;
};

}  // namespace bp
