// A seccomp profile as the OCI runtime-spec (v1.1) `linux.seccomp` object
// describes it, in typed form. The JSON parser (profile_json.h) produces it;
// compile.h turns it into a BPF program.
//
// Supported subset, everything else is rejected by the parser:
// - actions: SCMP_ACT_KILL (= KILL_THREAD, as in libseccomp), KILL_THREAD,
//   KILL_PROCESS, TRAP, ERRNO, TRACE, ALLOW, LOG. Not NOTIFY: the guest runs
//   no seccomp agent, so listenerPath and listenerMetadata are rejected too.
// - architectures: x86_64 and its 32-bit ABIs (x86, x32); the guest is x86_64.
// - flags: SECCOMP_FILTER_FLAG_TSYNC (always applied anyway) and
//   SECCOMP_FILTER_FLAG_LOG. Not SPEC_ALLOW: it would switch off the
//   Speculative Store Bypass mitigation inside a confidential VM. Not
//   WAIT_KILLABLE_RECV: it only concerns NOTIFY.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"

namespace bp {

enum class SeccompAction { kill_thread, kill_process, trap, errno_return, trace, allow, log };

enum class SeccompOperator { not_equal, less, less_equal, equal, greater_equal, greater, masked_equal };

enum class SeccompArch { x86_64, x86, x32 };

enum class SeccompFlag { tsync, log };

// One argument condition. For masked_equal, `value` is the mask and
// `value_two` the datum: (arg & value) == value_two (runtime-spec, libseccomp
// SCMP_CMP_MASKED_EQ). Other operators compare arg with `value`.
struct SeccompArg {
  uint32_t index = 0;  // 0..5
  uint64_t value = 0;
  uint64_t value_two = 0;
  SeccompOperator op = SeccompOperator::equal;
};

struct SeccompRule {
  std::vector<std::string> names;
  SeccompAction action = SeccompAction::allow;
  std::optional<uint32_t> errno_ret;  // only for errno_return and trace; default EPERM
  // Different indexes are ANDed. When any index appears twice, every
  // condition becomes a rule of its own (so they are ORed), as runc does.
  std::vector<SeccompArg> args;
};

struct SeccompProfile {
  SeccompAction default_action = SeccompAction::errno_return;
  std::optional<uint32_t> default_errno_ret;  // only for errno_return and trace; default EPERM
  std::vector<SeccompArch> architectures;     // x86_64 is always included
  std::vector<SeccompFlag> flags;
  std::vector<SeccompRule> syscalls;
};

// The OCI spellings ("SCMP_ACT_ERRNO", ...). Parsing accepts exactly the
// supported names; an unsupported but valid OCI name gets its own message.
const char *seccomp_action_name(SeccompAction action);
Result<SeccompAction> parse_seccomp_action(std::string_view name);
const char *seccomp_operator_name(SeccompOperator op);
Result<SeccompOperator> parse_seccomp_operator(std::string_view name);
const char *seccomp_arch_name(SeccompArch arch);
Result<SeccompArch> parse_seccomp_arch(std::string_view name);
const char *seccomp_flag_name(SeccompFlag flag);
Result<SeccompFlag> parse_seccomp_flag(std::string_view name);

// Whether an action carries an errno (ERRNO) or a tracer message (TRACE).
bool seccomp_action_takes_errno(SeccompAction action);

// An errnoRet/defaultErrnoRet for the action: only ERRNO (at most 4095) and
// TRACE (at most 65535) take one. The message names no field.
Status check_seccomp_errno(SeccompAction action, uint32_t errno_ret);

// Checks the invariants the parser enforces, for profiles built in code:
// errno only where the action takes one and at most 4095 for ERRNO, argument
// indexes below 6, valueTwo only for masked_equal, non-empty names.
Status validate_seccomp_profile(const SeccompProfile &profile);

}  // namespace bp
