// Privilege separation for "exec": the agent drops every capability and
// confines itself with seccomp (no execve at all), so commands cannot run in
// the agent itself. When the policy allows exec, the agent forks this helper
// first, while still privileged; the helper waits on a socket for typed
// requests from the agent (never raw bytes from the host: the agent parses
// and checks those) and runs each with run_command().
//
// Protocol (one SOCK_SEQPACKET message each way, JSON):
//   agent -> helper  {"argv": [...], "timeout_ms": n, "max_output": n}
//   helper -> agent  {"exit_code": n | "signal": n, "timed_out": b, "truncated": b,
//                     "output": "<base64>"}  or  {"error": "<why it did not start>"}
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/command_runner.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

struct ExecRequest {
  std::vector<std::string> argv;
  uint64_t timeout_ms = 10000;
  size_t max_output = 64 * 1024;
};

// What the host channel needs to run commands asynchronously: submit, wait
// for fd() to become readable, collect.
class ExecService {
 public:
  virtual ~ExecService() = default;
  virtual int fd() const = 0;
  virtual bool busy() const = 0;
  virtual Status submit(const ExecRequest &request) = 0;
  virtual Result<CommandResult> collect() = 0;
};

class ExecHelper : public ExecService {
 public:
  // Forks the helper. Call before dropping privileges and before starting
  // threads.
  static Result<std::unique_ptr<ExecHelper>> start();
  ExecHelper(const ExecHelper &) = delete;
  ExecHelper &operator=(const ExecHelper &) = delete;
  // Closes the socket (the helper exits) and reaps the helper.
  ~ExecHelper() override;

  int fd() const override { return socket_.get(); }
  bool busy() const override { return busy_; }
  Status submit(const ExecRequest &request) override;
  Result<CommandResult> collect() override;

 private:
  ExecHelper(UniqueFd socket, pid_t pid) : socket_(std::move(socket)), pid_(pid) {}

  UniqueFd socket_;
  pid_t pid_;
  bool busy_ = false;
};

// The two halves of the protocol, exposed for tests.
Result<std::string> exec_request_json(const ExecRequest &request);
Result<ExecRequest> parse_exec_request_json(std::string_view text);
std::string exec_reply_json(const Result<CommandResult> &result);
Result<CommandResult> parse_exec_reply_json(std::string_view text);

}  // namespace bp
