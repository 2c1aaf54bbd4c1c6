#include "lib/seccomp/compile.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/unique_fd.h"
#include "lib/seccomp/syscall_names.h"
#include "lib/seccomp/syscall_table_x86_64.h"

namespace bp {
namespace {

constexpr size_t kMaxInstructions = BPF_MAXINSNS;

// Owns a libseccomp filter context.
class FilterContext {
 public:
  explicit FilterContext(scmp_filter_ctx ctx) : ctx_(ctx) {}
  FilterContext(FilterContext &&other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
  FilterContext &operator=(FilterContext &&other) noexcept {
    if (this != &other) {
      if (ctx_ != nullptr) seccomp_release(ctx_);
      ctx_ = std::exchange(other.ctx_, nullptr);
    }
    return *this;
  }
  FilterContext(const FilterContext &) = delete;
  FilterContext &operator=(const FilterContext &) = delete;
  ~FilterContext() {
    if (ctx_ != nullptr) seccomp_release(ctx_);
  }

  scmp_filter_ctx get() const { return ctx_; }
  bool valid() const { return ctx_ != nullptr; }
  // After a successful seccomp_merge the merged-in context is gone.
  void forget() { ctx_ = nullptr; }

 private:
  scmp_filter_ctx ctx_;
};

Error libseccomp_error(const std::string &what, int rc) { return Error::from_errno(what, -rc); }

uint32_t libseccomp_action(SeccompAction action, const std::optional<uint32_t> &errno_ret) {
  uint32_t data = errno_ret.value_or(EPERM);
  switch (action) {
    case SeccompAction::kill_thread:
      return SCMP_ACT_KILL_THREAD;
    case SeccompAction::kill_process:
      return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::trap:
      return SCMP_ACT_TRAP;
    case SeccompAction::errno_return:
      return SCMP_ACT_ERRNO(data);
    case SeccompAction::trace:
      return SCMP_ACT_TRACE(data);
    case SeccompAction::allow:
      return SCMP_ACT_ALLOW;
    case SeccompAction::log:
      return SCMP_ACT_LOG;
  }
  return SCMP_ACT_KILL_PROCESS;
}

scmp_compare libseccomp_operator(SeccompOperator op) {
  switch (op) {
    case SeccompOperator::not_equal:
      return SCMP_CMP_NE;
    case SeccompOperator::less:
      return SCMP_CMP_LT;
    case SeccompOperator::less_equal:
      return SCMP_CMP_LE;
    case SeccompOperator::equal:
      return SCMP_CMP_EQ;
    case SeccompOperator::greater_equal:
      return SCMP_CMP_GE;
    case SeccompOperator::greater:
      return SCMP_CMP_GT;
    case SeccompOperator::masked_equal:
      return SCMP_CMP_MASKED_EQ;
  }
  return _SCMP_CMP_MIN;
}

// The libseccomp condition sets of one rule: a single set (ANDed), or, when
// an index repeats, one set per condition (ORed), as runc does.
std::vector<std::vector<scmp_arg_cmp>> condition_sets(const SeccompRule &rule) {
  std::vector<scmp_arg_cmp> all;
  all.reserve(rule.args.size());
  bool index_repeats = false;
  for (size_t i = 0; i < rule.args.size(); ++i) {
    const SeccompArg &arg = rule.args[i];
    for (size_t j = 0; j < i; ++j) index_repeats |= rule.args[j].index == arg.index;
    all.push_back(scmp_arg_cmp{arg.index, libseccomp_operator(arg.op), arg.value, arg.value_two});
  }
  if (!index_repeats) return {all};
  std::vector<std::vector<scmp_arg_cmp>> sets;
  sets.reserve(all.size());
  for (const scmp_arg_cmp &cmp : all) sets.push_back({cmp});
  return sets;
}

Result<FilterContext> new_context(uint32_t default_action, bool native) {
  FilterContext ctx(seccomp_init(default_action));
  if (!ctx.valid()) return Error("seccomp_init failed (invalid default action?)");
  if (!native) {
    int rc = seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE);
    if (rc != 0) return libseccomp_error("seccomp_arch_remove", rc);
  }
  return ctx;
}

Status set_attribute(const FilterContext &ctx, scmp_filter_attr attr, uint32_t value, const char *name) {
  int rc = seccomp_attr_set(ctx.get(), attr, value);
  if (rc != 0) return libseccomp_error(format("seccomp_attr_set(%s)", name), rc);
  return {};
}

// libseccomp writes the program to a file descriptor (2.5.4 has no
// in-memory export).
Result<std::vector<sock_filter>> export_program(const FilterContext &ctx) {
  UniqueFd fd(memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!fd.valid()) return Error::from_errno("memfd_create", errno);
  int rc = seccomp_export_bpf(ctx.get(), fd.get());
  if (rc != 0) return libseccomp_error("seccomp_export_bpf", rc);
  if (lseek(fd.get(), 0, SEEK_SET) != 0) return Error::from_errno("lseek on the exported filter", errno);
  Bytes bytes =
      TRY_CONTEXT(read_all(fd.get(), kMaxInstructions * sizeof(sock_filter) + 1), "exported filter");
  if (bytes.size() % sizeof(sock_filter) != 0 || bytes.empty())
    return Error(
        format("libseccomp exported %zu bytes, not a whole number of BPF instructions", bytes.size()));
  std::vector<sock_filter> program(bytes.size() / sizeof(sock_filter));
  memcpy(program.data(), bytes.data(), bytes.size());
  return program;
}

void raise_limit(std::optional<uint32_t> &limit, int number) {
  if (number < 0) return;
  limit = std::max(limit.value_or(0), static_cast<uint32_t>(number));
}

}  // namespace

Result<CompiledFilter> compile_seccomp(const SeccompProfile &profile, const SeccompCompileOptions &options) {
  TRY(validate_seccomp_profile(profile));
  if (seccomp_arch_native() != SCMP_ARCH_X86_64)
    return Error("seccomp profiles compile for x86_64 hosts only");

  bool has_x86 = std::count(profile.architectures.begin(), profile.architectures.end(), SeccompArch::x86) > 0;
  bool has_x32 = std::count(profile.architectures.begin(), profile.architectures.end(), SeccompArch::x32) > 0;
  uint32_t default_action = libseccomp_action(profile.default_action, profile.default_errno_ret);

  // The x86_64 rules and the 32-bit ABIs' rules live in separate contexts,
  // merged at the end: a number only the kernel table knows is an x86_64
  // number, and libseccomp would silently drop it from a multi-ABI context.
  FilterContext native = TRY(new_context(default_action, true));
  FilterContext compat(nullptr);
  if (has_x86 || has_x32) {
    compat = TRY(new_context(default_action, false));
    if (has_x86) {
      int rc = seccomp_arch_add(compat.get(), SCMP_ARCH_X86);
      if (rc != 0) return libseccomp_error("seccomp_arch_add(SCMP_ARCH_X86)", rc);
    }
    if (has_x32) {
      int rc = seccomp_arch_add(compat.get(), SCMP_ARCH_X32);
      if (rc != 0) return libseccomp_error("seccomp_arch_add(SCMP_ARCH_X32)", rc);
    }
  }

  CompiledFilter out;
  EnosysLimits limits;
  size_t rules_added = 0;
  for (size_t r = 0; r < profile.syscalls.size(); ++r) {
    const SeccompRule &rule = profile.syscalls[r];
    uint32_t action = libseccomp_action(rule.action, rule.errno_ret);
    std::vector<std::vector<scmp_arg_cmp>> sets = condition_sets(rule);
    for (const std::string &name : rule.names) {
      std::optional<int> nr64 = x86_64_syscall_number(name);
      int nr_x86 = has_x86 ? seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name.c_str()) : -1;
      int nr_x32 = has_x32 ? seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, name.c_str()) : -1;
      if (!nr64 && nr_x86 < 0 && nr_x32 < 0) {
        out.warnings.push_back(
            format("syscalls[%zu]: unknown syscall \"%s\" ignored (not in libseccomp %u.%u.%u nor in "
                   "the Linux %s x86_64 table)",
                   r, name.c_str(), seccomp_version()->major, seccomp_version()->minor,
                   seccomp_version()->micro, kLinuxX86_64SyscallTableVersion));
        continue;
      }
      // Every named syscall counts for the ENOSYS limit, whatever its action.
      if (nr64) raise_limit(limits.x86_64, *nr64);
      raise_limit(limits.x86, nr_x86);
      raise_limit(limits.x32, nr_x32);
      if (action == default_action) continue;  // libseccomp refuses such rules

      for (const std::vector<scmp_arg_cmp> &set : sets) {
        if (nr64) {
          int rc = seccomp_rule_add_array(native.get(), action, *nr64, static_cast<unsigned>(set.size()),
                                          set.data());
          if (rc != 0)
            return libseccomp_error(format("syscalls[%zu]: adding the rule for %s", r, name.c_str()), rc);
        }
        if (nr_x86 >= 0 || nr_x32 >= 0) {
          // The generic number lets libseccomp translate the name per ABI.
          int generic = seccomp_syscall_resolve_name(name.c_str());
          int rc = seccomp_rule_add_array(compat.get(), action, generic, static_cast<unsigned>(set.size()),
                                          set.data());
          if (rc != 0)
            return libseccomp_error(format("syscalls[%zu]: adding the 32-bit rule for %s", r, name.c_str()),
                                    rc);
        }
        ++rules_added;
      }
    }
  }

  for (FilterContext *ctx : {&native, &compat}) {
    if (!ctx->valid()) continue;
    // Also applied by install_seccomp, which loads the program itself.
    TRY(set_attribute(*ctx, SCMP_FLTATR_CTL_NNP, 1, "SCMP_FLTATR_CTL_NNP"));
    TRY(set_attribute(*ctx, SCMP_FLTATR_CTL_TSYNC, 1, "SCMP_FLTATR_CTL_TSYNC"));
    // libseccomp <= 2.5.4 is known to misbehave with a binary tree and no
    // rules (runc's comment), so only with rules.
    if (options.binary_tree && rules_added > 0)
      TRY(set_attribute(*ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2, "SCMP_FLTATR_CTL_OPTIMIZE"));
  }
  if (compat.valid()) {
    int rc = seccomp_merge(native.get(), compat.get());
    if (rc != 0) return libseccomp_error("seccomp_merge of the 32-bit ABIs", rc);
    compat.forget();
  }
  std::vector<sock_filter> filter = TRY(export_program(native));

  // runc's conditions for the stub: not when unnamed syscalls pass anyway
  // (ALLOW, LOG, TRACE: a tracer handles ENOSYS itself), nor when the
  // default already answers ENOSYS.
  bool permissive = profile.default_action == SeccompAction::allow ||
                    profile.default_action == SeccompAction::log ||
                    profile.default_action == SeccompAction::trace;
  bool default_enosys =
      profile.default_action == SeccompAction::errno_return && profile.default_errno_ret == ENOSYS;
  if (!permissive && !default_enosys) {
    out.enosys = limits;
    out.program = enosys_stub(limits);
  }
  out.program.insert(out.program.end(), filter.begin(), filter.end());
  if (out.program.size() > kMaxInstructions)
    return Error(
        format("the compiled seccomp filter has %zu instructions, more than the kernel's limit of %zu",
               out.program.size(), kMaxInstructions));

  out.flags = SECCOMP_FILTER_FLAG_TSYNC;
  if (std::count(profile.flags.begin(), profile.flags.end(), SeccompFlag::log) > 0)
    out.flags |= SECCOMP_FILTER_FLAG_LOG;
  return out;
}

}  // namespace bp
