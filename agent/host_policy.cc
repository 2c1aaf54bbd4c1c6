#include "agent/host_policy.h"

#include <algorithm>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/json/json_parse.h"

namespace bp {
namespace {

constexpr size_t kMaxName = 64;

}  // namespace

const char *host_op_name(HostOp op) {
  switch (op) {
    case HostOp::status:
      return "status";
    case HostOp::shutdown:
      return "shutdown";
    case HostOp::exec:
      return "exec";
    case HostOp::logs:
      return "logs";
    case HostOp::set_policy:
      return "set-policy";
  }
  return "?";
}

std::optional<HostOp> host_op_from_name(std::string_view name) {
  for (HostOp op : {HostOp::status, HostOp::shutdown, HostOp::exec, HostOp::logs, HostOp::set_policy}) {
    if (name == host_op_name(op)) return op;
  }
  return std::nullopt;
}

HostPolicy HostPolicy::deny_all(std::string why) {
  HostPolicy policy;
  policy.name_ = "deny-all";
  policy.load_error_ = std::move(why);
  return policy;
}

bool HostPolicy::allows(HostOp op) const {
  if (op == HostOp::set_policy) return false;  // whatever any file says
  return std::find(allowed_.begin(), allowed_.end(), op) != allowed_.end();
}

Result<HostPolicy> parse_host_policy(std::string_view text) {
  Json root = TRY(parse_json(text, kMaxPolicyFile, 2));
  TRY(root.only_keys({"version", "name", "allow"}));
  uint64_t version = TRY(root.get_u64("version"));
  if (version != 1)
    return Error(
        format("$.version: %llu is not supported (expected 1)", static_cast<unsigned long long>(version)));
  HostPolicy policy;
  policy.name_ = TRY(root.optional_string("name")).value_or("unnamed");
  if (policy.name_.empty() || policy.name_.size() > kMaxName)
    return Error(format("$.name: expected 1..%zu characters", kMaxName));
  std::vector<Json> allow = TRY(root.array("allow").elements());
  for (const Json &entry : allow) {
    std::string name = TRY(entry.as_string());
    std::optional<HostOp> op = host_op_from_name(name);
    if (!op)
      return Error(format("%s: unknown operation '%s' (expected status, shutdown, exec or logs)",
                          entry.path().c_str(), name.c_str()));
    if (*op == HostOp::set_policy)
      return Error(
          format("%s: set-policy can never be allowed: the policy is part of the image's measurement",
                 entry.path().c_str()));
    if (std::find(policy.allowed_.begin(), policy.allowed_.end(), *op) != policy.allowed_.end())
      return Error(format("%s: '%s' is listed twice", entry.path().c_str(), name.c_str()));
    policy.allowed_.push_back(*op);
  }
  std::sort(policy.allowed_.begin(), policy.allowed_.end());
  return policy;
}

Result<HostPolicy> load_host_policy(const std::string &path) {
  std::string text = TRY(read_text_file(path, kMaxPolicyFile));
  return TRY_CONTEXT(parse_host_policy(text), path);
}

}  // namespace bp
