#include "agent/exec_helper.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"

namespace bp {
namespace {

constexpr size_t kMaxMessage = size_t{256} * 1024;
constexpr size_t kMaxArgs = 64;
constexpr size_t kMaxOutputLimit = size_t{1024} * 1024;

Result<std::string> receive_message(int fd) {
  std::string buffer(kMaxMessage, '\0');
  ssize_t n;
  do {
    n = recv(fd, buffer.data(), buffer.size(), MSG_TRUNC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Error::from_errno("exec helper: recv", errno);
  if (n == 0) return Error("exec helper: the other side closed the socket");
  if (static_cast<size_t>(n) > buffer.size()) return Error("exec helper: message larger than the limit");
  buffer.resize(static_cast<size_t>(n));
  return buffer;
}

Status send_message(int fd, const std::string &text) {
  ssize_t n;
  do {
    n = send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Error::from_errno("exec helper: send", errno);
  return {};
}

[[noreturn]] void helper_main(int socket, pid_t agent) {
  // Die with the agent (also if it died before the request took effect);
  // keep its terminal signals from reaching us directly.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != agent) _exit(0);
  (void)signal(SIGTERM, SIG_IGN);
  (void)signal(SIGINT, SIG_IGN);
  (void)signal(SIGPIPE, SIG_IGN);
  for (;;) {
    auto message = receive_message(socket);
    if (!message.ok()) _exit(0);
    auto request = parse_exec_request_json(message.value());
    std::string reply = request.ok()
                            ? exec_reply_json(run_command(request.value().argv, request.value().timeout_ms,
                                                          request.value().max_output))
                            : exec_reply_json(request.release_error());
    if (!send_message(socket, reply).ok()) _exit(0);
  }
}

}  // namespace

Result<std::string> exec_request_json(const ExecRequest &request) {
  JsonArrayBuilder argv;
  for (const std::string &a : request.argv) argv.add_string(a);
  JsonObjectBuilder object;
  object.add_array("argv", std::move(argv))
      .add_u64("timeout_ms", request.timeout_ms)
      .add_u64("max_output", request.max_output);
  Json json = TRY(object.build());
  return json_compact(json);
}

Result<ExecRequest> parse_exec_request_json(std::string_view text) {
  Json root = TRY(parse_json(text, kMaxMessage, 2));
  TRY(root.only_keys({"argv", "timeout_ms", "max_output"}));
  ExecRequest request;
  request.argv = TRY(root.get_strings("argv"));
  if (request.argv.empty() || request.argv.size() > kMaxArgs)
    return Error("$.argv: expected 1..64 arguments");
  request.timeout_ms = TRY(root.get_u64("timeout_ms"));
  request.max_output = TRY(root.get_u64("max_output", kMaxOutputLimit));
  return request;
}

std::string exec_reply_json(const Result<CommandResult> &result) {
  JsonObjectBuilder object;
  if (!result.ok()) {
    object.add_string("error", result.error().message());
  } else {
    const CommandResult &r = result.value();
    if (r.exit_code) object.add_i64("exit_code", *r.exit_code);
    if (r.signal) object.add_i64("signal", *r.signal);
    object.add_bool("timed_out", r.timed_out)
        .add_bool("truncated", r.truncated)
        .add_string("output", base64_encode(r.output));
  }
  auto json = object.build();
  auto text = json.ok() ? json_compact(json.value()) : Result<std::string>(json.release_error());
  return text.ok() ? text.release_value()
                   : std::string("{\"error\":\"exec helper: cannot encode the reply\"}");
}

Result<CommandResult> parse_exec_reply_json(std::string_view text) {
  Json root = TRY(parse_json(text, kMaxMessage, 2));
  auto error = TRY(root.optional_string("error"));
  if (error) return Error(*error);
  TRY(root.only_keys({"exit_code", "signal", "timed_out", "truncated", "output"}));
  CommandResult result;
  auto exit_code = TRY(root.optional_u64("exit_code", 255));
  auto signal_number = TRY(root.optional_u64("signal", 64));
  if (exit_code) result.exit_code = static_cast<int>(*exit_code);
  if (signal_number) result.signal = static_cast<int>(*signal_number);
  result.timed_out = TRY(root.get_bool("timed_out"));
  result.truncated = TRY(root.get_bool("truncated"));
  result.output = TRY(root.get_base64("output"));
  return result;
}

Result<std::unique_ptr<ExecHelper>> ExecHelper::start() {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return Error::from_errno("exec helper: socketpair", errno);
  UniqueFd ours(pair[0]), theirs(pair[1]);
  pid_t agent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Error::from_errno("exec helper: fork", errno);
  if (pid == 0) {
    // Keep only stdio and our end of the socket (as fd 3).
    if (dup2(theirs.get(), 3) < 0) _exit(1);
    if (syscall(SYS_close_range, 4u, ~0u, 0u) != 0) {
      for (int fd = 4; fd < 1024; ++fd) close(fd);
    }
    helper_main(3, agent);
  }
  theirs.reset();
  return std::unique_ptr<ExecHelper>(new ExecHelper(std::move(ours), pid));
}

ExecHelper::~ExecHelper() {
  socket_.reset();
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

Status ExecHelper::submit(const ExecRequest &request) {
  if (busy_) return Error("exec: another command is running");
  std::string text = TRY(exec_request_json(request));
  TRY(send_message(socket_.get(), text));
  busy_ = true;
  return {};
}

Result<CommandResult> ExecHelper::collect() {
  busy_ = false;
  std::string text = TRY(receive_message(socket_.get()));
  return parse_exec_reply_json(text);
}

}  // namespace bp
