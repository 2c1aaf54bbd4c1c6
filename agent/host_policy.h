// The host channel's policy: which requests the (untrusted) host may make.
// It comes from a file in the initramfs, so it is part of the launch
// measurement: a broker that releases keys to this image has thereby agreed
// to exactly this policy.
//
//   {"version": 1, "name": "production", "allow": ["status", "shutdown"]}
//
// "name" is optional (shown in status replies). "allow" lists operations
// from: status, shutdown, exec, logs. "set-policy" can never be allowed (the
// policy is part of the measurement; changing it at run time would void
// that): a file that lists it is rejected, as is any unknown key, unknown or
// repeated operation, or another version. A policy that fails to load
// denies everything.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"

namespace bp {

enum class HostOp { status, shutdown, exec, logs, set_policy };

const char *host_op_name(HostOp op);
std::optional<HostOp> host_op_from_name(std::string_view name);

constexpr size_t kMaxPolicyFile = 4096;

class HostPolicy {
 public:
  // Denies everything; why says why (shown in denials and status).
  static HostPolicy deny_all(std::string why);

  bool allows(HostOp op) const;
  const std::string &name() const { return name_; }
  const std::vector<HostOp> &allowed() const { return allowed_; }
  // Set when the policy is the deny-all fallback.
  const std::string &load_error() const { return load_error_; }

 private:
  friend Result<HostPolicy> parse_host_policy(std::string_view text);

  std::string name_;
  std::vector<HostOp> allowed_;
  std::string load_error_;
};

Result<HostPolicy> parse_host_policy(std::string_view text);
Result<HostPolicy> load_host_policy(const std::string &path);

}  // namespace bp
