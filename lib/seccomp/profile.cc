#include "lib/seccomp/profile.h"

#include "lib/core/format.h"

namespace bp {
namespace {

template <typename T>
struct Name {
  T value;
  const char *name;
};

const Name<SeccompAction> kActions[] = {
    {SeccompAction::kill_thread, "SCMP_ACT_KILL_THREAD"},
    {SeccompAction::kill_process, "SCMP_ACT_KILL_PROCESS"},
    {SeccompAction::trap, "SCMP_ACT_TRAP"},
    {SeccompAction::errno_return, "SCMP_ACT_ERRNO"},
    {SeccompAction::trace, "SCMP_ACT_TRACE"},
    {SeccompAction::allow, "SCMP_ACT_ALLOW"},
    {SeccompAction::log, "SCMP_ACT_LOG"},
};

const Name<SeccompOperator> kOperators[] = {
    {SeccompOperator::not_equal, "SCMP_CMP_NE"},           {SeccompOperator::less, "SCMP_CMP_LT"},
    {SeccompOperator::less_equal, "SCMP_CMP_LE"},          {SeccompOperator::equal, "SCMP_CMP_EQ"},
    {SeccompOperator::greater_equal, "SCMP_CMP_GE"},       {SeccompOperator::greater, "SCMP_CMP_GT"},
    {SeccompOperator::masked_equal, "SCMP_CMP_MASKED_EQ"},
};

const Name<SeccompArch> kArchs[] = {
    {SeccompArch::x86_64, "SCMP_ARCH_X86_64"},
    {SeccompArch::x86, "SCMP_ARCH_X86"},
    {SeccompArch::x32, "SCMP_ARCH_X32"},
};

const Name<SeccompFlag> kFlags[] = {
    {SeccompFlag::tsync, "SECCOMP_FILTER_FLAG_TSYNC"},
    {SeccompFlag::log, "SECCOMP_FILTER_FLAG_LOG"},
};

// Valid OCI names this guest refuses, with the reason.
struct Refused {
  const char *name;
  const char *reason;
};

const Refused kRefused[] = {
    {"SCMP_ACT_NOTIFY", "the guest runs no seccomp notification agent"},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
     "it would switch off the Speculative Store Bypass mitigation in a confidential VM"},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "it only applies to SCMP_ACT_NOTIFY, which is not supported"},
};

template <typename T, size_t N>
const char *name_of(const Name<T> (&table)[N], T value) {
  for (const Name<T> &entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <typename T, size_t N>
Result<T> parse_name(const Name<T> (&table)[N], std::string_view name, const char *what) {
  for (const Name<T> &entry : table) {
    if (name == entry.name) return entry.value;
  }
  for (const Refused &refused : kRefused) {
    if (name == refused.name)
      return Error(format("%s %s is not supported: %s", what, refused.name, refused.reason));
  }
  std::string expected;
  for (const Name<T> &entry : table) {
    if (!expected.empty()) expected += ", ";
    expected += entry.name;
  }
  return Error(format("unknown %s \"%.*s\" (expected one of %s)", what, static_cast<int>(name.size()),
                      name.data(), expected.c_str()));
}

Status validate_errno(SeccompAction action, const std::optional<uint32_t> &errno_ret,
                      const std::string &where) {
  if (errno_ret) TRY_CONTEXT(check_seccomp_errno(action, *errno_ret), where);
  return {};
}

}  // namespace

const char *seccomp_action_name(SeccompAction action) { return name_of(kActions, action); }
const char *seccomp_operator_name(SeccompOperator op) { return name_of(kOperators, op); }
const char *seccomp_arch_name(SeccompArch arch) { return name_of(kArchs, arch); }
const char *seccomp_flag_name(SeccompFlag flag) { return name_of(kFlags, flag); }

Result<SeccompAction> parse_seccomp_action(std::string_view name) {
  // libseccomp defines SCMP_ACT_KILL as SCMP_ACT_KILL_THREAD.
  if (name == "SCMP_ACT_KILL") return SeccompAction::kill_thread;
  return parse_name(kActions, name, "seccomp action");
}

Result<SeccompOperator> parse_seccomp_operator(std::string_view name) {
  return parse_name(kOperators, name, "seccomp operator");
}

Result<SeccompArch> parse_seccomp_arch(std::string_view name) {
  auto arch = parse_name(kArchs, name, "seccomp architecture");
  if (!arch.ok() && name.substr(0, 10) == "SCMP_ARCH_")
    return Error(arch.error().message() + "; this guest is x86_64 only");
  return arch;
}

Result<SeccompFlag> parse_seccomp_flag(std::string_view name) {
  return parse_name(kFlags, name, "seccomp flag");
}

bool seccomp_action_takes_errno(SeccompAction action) {
  return action == SeccompAction::errno_return || action == SeccompAction::trace;
}

Status check_seccomp_errno(SeccompAction action, uint32_t errno_ret) {
  if (!seccomp_action_takes_errno(action))
    return Error(format("an errno is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not with %s",
                        seccomp_action_name(action)));
  if (action == SeccompAction::errno_return && errno_ret > 4095)
    return Error(format("errno %u is out of range (at most 4095)", errno_ret));
  if (action == SeccompAction::trace && errno_ret > 0xffff)
    return Error(format("trace message %u is out of range (at most 65535)", errno_ret));
  return {};
}

Status validate_seccomp_profile(const SeccompProfile &profile) {
  TRY(validate_errno(profile.default_action, profile.default_errno_ret, "defaultErrnoRet"));
  for (size_t i = 0; i < profile.syscalls.size(); ++i) {
    const SeccompRule &rule = profile.syscalls[i];
    std::string where = format("syscalls[%zu]", i);
    if (rule.names.empty()) return Error(where + ".names: at least one syscall name is required");
    for (size_t n = 0; n < rule.names.size(); ++n) {
      if (rule.names[n].empty()) return Error(format("%s.names[%zu]: empty syscall name", where.c_str(), n));
    }
    TRY(validate_errno(rule.action, rule.errno_ret, where + ".errnoRet"));
    for (size_t a = 0; a < rule.args.size(); ++a) {
      const SeccompArg &arg = rule.args[a];
      if (arg.index > 5)
        return Error(
            format("%s.args[%zu].index: %u is not a syscall argument (0 to 5)", where.c_str(), a, arg.index));
      if (arg.op != SeccompOperator::masked_equal && arg.value_two != 0)
        return Error(format("%s.args[%zu].valueTwo: only SCMP_CMP_MASKED_EQ uses valueTwo, not %s",
                            where.c_str(), a, seccomp_operator_name(arg.op)));
    }
  }
  return {};
}

}  // namespace bp
