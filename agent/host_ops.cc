#include "agent/host_ops.h"

#include "agent/log_tail.h"
#include "agent/utf8_text.h"
#include "lib/agent/boot_status.h"
#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"

namespace bp {
namespace {

constexpr size_t kMaxDepth = 4;
constexpr size_t kMaxId = 128;
constexpr size_t kMaxExecArgs = 64;
constexpr size_t kMaxExecArgBytes = size_t{16} * 1024;

// Short and printable, for messages that quote the host's input.
std::string quoted(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 32)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  return text.size() > 32 ? out + "..." : out;
}

std::string finish(JsonObjectBuilder object) {
  auto json = object.build();
  auto text = json.ok() ? json_compact(json.value()) : Result<std::string>(json.release_error());
  if (!text.ok()) return "{\"ok\":false,\"error\":\"cannot encode the reply\"}\n";
  return text.release_value() + "\n";
}

JsonObjectBuilder reply(bool ok, const std::optional<Json> &id) {
  JsonObjectBuilder object;
  object.add_bool("ok", ok);
  if (id) object.add_value("id", *id);
  return object;
}

Result<std::optional<Json>> request_id(const Json &request) {
  std::optional<Json> id = TRY(request.optional_member("id"));
  if (!id) return id;
  if (id->is_string()) {
    std::string text = TRY(id->as_string());
    if (text.size() > kMaxId) return Error(format("$.id: longer than %zu bytes", kMaxId));
    return id;
  }
  if (id->as_i64().ok()) return id;
  return Error(format("$.id: expected a string or an integer, got %s", id->type_name()));
}

}  // namespace

std::string HostDispatcher::error_reply(const std::optional<Json> &id, const std::string &message) const {
  JsonObjectBuilder object = reply(false, id);
  object.add_string("error", lossy_utf8(ByteView::of_string(message)));
  return finish(std::move(object));
}

HostDispatch HostDispatcher::handle(std::string_view line, const std::string &source) {
  HostDispatch dispatch;
  auto parsed = parse_json(line, kMaxHostLine, kMaxDepth);
  if (!parsed.ok()) {
    dispatch.reply = error_reply(std::nullopt, "malformed request: " + parsed.error().message());
    return dispatch;
  }
  const Json &request = parsed.value();
  if (!request.is_object()) {
    dispatch.reply = error_reply(std::nullopt, "malformed request: expected a JSON object with \"op\"");
    return dispatch;
  }
  auto id = request_id(request);
  if (!id.ok()) {
    dispatch.reply = error_reply(std::nullopt, "malformed request: " + id.error().message());
    return dispatch;
  }
  dispatch.id = id.release_value();
  auto op_name = request.get_string("op");
  if (!op_name.ok()) {
    dispatch.reply = error_reply(dispatch.id, "malformed request: " + op_name.error().message());
    return dispatch;
  }
  std::optional<HostOp> op = host_op_from_name(op_name.value());
  if (!op) {
    dispatch.reply = error_reply(
        dispatch.id,
        format("unknown op '%s' (expected status, shutdown, exec, logs)", quoted(op_name.value()).c_str()));
    return dispatch;
  }
  if (*op == HostOp::set_policy) {
    log_.warning("host channel: refused set-policy from %s: the policy is part of the measurement",
                 source.c_str());
    dispatch.reply = error_reply(dispatch.id,
                                 "denied: set-policy is never allowed (the policy is part of the "
                                 "image's measurement)");
    return dispatch;
  }
  if (!policy_.allows(*op)) {
    log_.warning("host channel: denied %s from %s (policy %s)", host_op_name(*op), source.c_str(),
                 policy_.name().c_str());
    std::string message = format("denied by policy: %s", host_op_name(*op));
    if (!policy_.load_error().empty()) message += " (no valid policy is loaded)";
    dispatch.reply = error_reply(dispatch.id, message);
    return dispatch;
  }
  switch (*op) {
    case HostOp::status: {
      auto keys = request.only_keys({"op", "id"});
      dispatch.reply =
          keys.ok() ? status_reply(dispatch.id) : error_reply(dispatch.id, keys.error().message());
      log_.debug("host channel: status from %s", source.c_str());
      return dispatch;
    }
    case HostOp::shutdown:
      dispatch.reply = shutdown_reply(request, dispatch.id, source);
      return dispatch;
    case HostOp::logs:
      log_.info("host channel: logs from %s", source.c_str());
      dispatch.reply = logs_reply(request, dispatch.id);
      return dispatch;
    case HostOp::exec: {
      HostDispatch exec = exec_dispatch(request, dispatch.id);
      if (exec.exec) {
        log_.info("host channel: exec '%s' (%zu arguments) from %s", quoted(exec.exec->argv[0]).c_str(),
                  exec.exec->argv.size(), source.c_str());
      }
      return exec;
    }
    case HostOp::set_policy:
      break;
  }
  dispatch.reply = error_reply(dispatch.id, "internal error: unhandled op");
  return dispatch;
}

std::string HostDispatcher::status_reply(const std::optional<Json> &id) const {
  JsonObjectBuilder object = reply(true, id);
  auto boot = read_boot_status(config_.status_file);
  auto boot_json = boot.ok() ? boot_status_json(boot.value()) : Result<Json>(boot.error());
  if (boot_json.ok()) {
    object.add_value("boot", boot_json.value());
  } else {
    object.add_null("boot").add_string("boot_error",
                                       lossy_utf8(ByteView::of_string(boot_json.error().message())));
  }
  JsonArrayBuilder allowed;
  for (HostOp op : policy_.allowed()) allowed.add_string(host_op_name(op));
  JsonObjectBuilder agent;
  agent.add_u64("uptime_ms", monotonic_ms() - config_.started_ms)
      .add_string("policy", policy_.name())
      .add_array("allow", std::move(allowed));
  if (!policy_.load_error().empty()) agent.add_string("policy_error", policy_.load_error());
  object.add_object("agent", std::move(agent));
  return finish(std::move(object));
}

std::string HostDispatcher::shutdown_reply(const Json &request, const std::optional<Json> &id,
                                           const std::string &source) const {
  auto keys = request.only_keys({"op", "id"});
  if (!keys.ok()) return error_reply(id, keys.error().message());
  log_.warning("host channel: shutdown requested by %s", source.c_str());
  Status status =
      config_.request_shutdown ? config_.request_shutdown() : Status(Error("no way to shut down"));
  if (!status.ok()) {
    log_.error("host channel: shutdown failed: %s", status.error().message().c_str());
    return error_reply(id, "shutdown failed: " + status.error().message());
  }
  JsonObjectBuilder object = reply(true, id);
  object.add_bool("shutting_down", true);
  return finish(std::move(object));
}

std::string HostDispatcher::logs_reply(const Json &request, const std::optional<Json> &id) const {
  auto keys = request.only_keys({"op", "id", "max_bytes"});
  if (!keys.ok()) return error_reply(id, keys.error().message());
  auto max_bytes = request.optional_u64("max_bytes", kMaxLogsBytes);
  if (!max_bytes.ok()) return error_reply(id, max_bytes.error().message());
  auto tail = read_log_tail(config_.log_file, max_bytes.value().value_or(kDefaultLogsBytes));
  if (!tail.ok()) return error_reply(id, "logs: " + tail.error().message());
  JsonObjectBuilder object = reply(true, id);
  object.add_string("log", tail.value().text).add_bool("truncated", tail.value().truncated);
  return finish(std::move(object));
}

HostDispatch HostDispatcher::exec_dispatch(const Json &request, const std::optional<Json> &id) const {
  HostDispatch dispatch;
  dispatch.id = id;
  auto check = [&]() -> Result<ExecRequest> {
    TRY(request.only_keys({"op", "id", "argv", "timeout_ms"}));
    ExecRequest exec;
    exec.argv = TRY(request.get_strings("argv"));
    if (exec.argv.empty() || exec.argv.size() > kMaxExecArgs)
      return Error(format("$.argv: expected 1..%zu arguments", kMaxExecArgs));
    if (exec.argv[0].empty()) return Error("$.argv[0]: the command is empty");
    size_t total = 0;
    for (const std::string &a : exec.argv) total += a.size() + 1;
    if (total > kMaxExecArgBytes) return Error(format("$.argv: more than %zu bytes", kMaxExecArgBytes));
    auto timeout = TRY(request.optional_u64("timeout_ms", kMaxExecTimeoutMs));
    exec.timeout_ms = timeout.value_or(kDefaultExecTimeoutMs);
    if (exec.timeout_ms == 0) return Error("$.timeout_ms: expected 1..60000");
    exec.max_output = kMaxExecOutput;
    return exec;
  };
  auto exec = check();
  if (!exec.ok()) {
    dispatch.reply = error_reply(id, exec.error().message());
    return dispatch;
  }
  dispatch.exec = exec.release_value();
  return dispatch;
}

std::string HostDispatcher::exec_reply(const std::optional<Json> &id,
                                       const Result<CommandResult> &result) const {
  if (!result.ok()) return error_reply(id, result.error().message());
  const CommandResult &r = result.value();
  JsonObjectBuilder object = reply(true, id);
  if (r.exit_code) object.add_i64("exit_code", *r.exit_code);
  if (r.signal) object.add_i64("signal", *r.signal);
  object.add_bool("timed_out", r.timed_out)
      .add_string("output", lossy_utf8(r.output))
      .add_bool("truncated", r.truncated);
  return finish(std::move(object));
}

}  // namespace bp
