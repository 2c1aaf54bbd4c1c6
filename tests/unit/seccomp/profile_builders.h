// Small builders for typed seccomp profiles in tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/seccomp/profile.h"

namespace bp_test {

inline bp::SeccompRule rule(std::vector<std::string> names, bp::SeccompAction action,
                            std::vector<bp::SeccompArg> args = {},
                            std::optional<uint32_t> errno_ret = std::nullopt) {
  bp::SeccompRule r;
  r.names = std::move(names);
  r.action = action;
  r.args = std::move(args);
  r.errno_ret = errno_ret;
  return r;
}

inline bp::SeccompArg arg(uint32_t index, bp::SeccompOperator op, uint64_t value, uint64_t value_two = 0) {
  bp::SeccompArg a;
  a.index = index;
  a.op = op;
  a.value = value;
  a.value_two = value_two;
  return a;
}

// Default ERRNO (EPERM); allows what the test child needs to report
// (write, exit_group) and getpid. The highest named syscall is exit_group
// (231), so the ENOSYS stub covers everything above it.
inline bp::SeccompProfile base_profile() {
  bp::SeccompProfile p;
  p.default_action = bp::SeccompAction::errno_return;
  p.syscalls.push_back(rule({"write", "exit_group", "getpid"}, bp::SeccompAction::allow));
  return p;
}

}  // namespace bp_test
