// The Linux x86_64 syscall table (generated from the guest kernel's source by
// lib/seccomp/gen-syscall-table), for names libseccomp does not know.
#pragma once

#include <stddef.h>

namespace bp {

struct KernelSyscall {
  const char *name;
  int number;
};

extern const char kLinuxX86_64SyscallTableVersion[];
extern const KernelSyscall kLinuxX86_64Syscalls[];  // sorted by name
extern const size_t kLinuxX86_64SyscallCount;

}  // namespace bp
