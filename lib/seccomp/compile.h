// Compiles a SeccompProfile into a BPF program with libseccomp, the way runc
// does (DESIGN.md section 7):
// - one libseccomp rule per syscall name; a rule whose action equals the
//   default action is skipped; when a rule names one argument index twice,
//   each of its conditions becomes a rule of its own (OR), else they AND;
// - names libseccomp does not know are taken from the guest kernel's x86_64
//   table; names nobody knows are skipped with a warning for the caller;
// - the ENOSYS stub (enosys_stub.h) goes in front unless the default action
//   lets syscalls through anyway (ALLOW, LOG, TRACE) or already is ENOSYS;
// - binary-tree optimisation (SCMP_FLTATR_CTL_OPTIMIZE = 2) by default.
// The program is exported, not loaded: install.h loads it (with
// no_new_privs and TSYNC), so the same bytes can be inspected and tested.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/seccomp/enosys_stub.h"
#include "lib/seccomp/profile.h"

namespace bp {

struct SeccompCompileOptions {
  // Off only for comparisons (the benchmark): libseccomp's default linear
  // layout, which runc uses for profiles with 32 rules or fewer.
  bool binary_tree = true;
};

struct CompiledFilter {
  std::vector<sock_filter> program;   // stub + libseccomp's filter
  unsigned int flags = 0;             // SECCOMP_FILTER_FLAG_* for seccomp(2)
  EnosysLimits enosys;                // what the stub covers (empty: no stub)
  std::vector<std::string> warnings;  // for the caller to log, e.g. unknown names
};

Result<CompiledFilter> compile_seccomp(const SeccompProfile &profile,
                                       const SeccompCompileOptions &options = {});

}  // namespace bp
