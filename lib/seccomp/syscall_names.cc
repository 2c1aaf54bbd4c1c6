#include "lib/seccomp/syscall_names.h"

#include <seccomp.h>
#include <string.h>

#include <algorithm>
#include <string>

#include "lib/seccomp/syscall_table_x86_64.h"

namespace bp {

std::optional<int> kernel_x86_64_syscall_number(std::string_view name) {
  const KernelSyscall *begin = kLinuxX86_64Syscalls;
  const KernelSyscall *end = kLinuxX86_64Syscalls + kLinuxX86_64SyscallCount;
  const KernelSyscall *it = std::lower_bound(
      begin, end, name,
      [](const KernelSyscall &entry, std::string_view key) { return std::string_view(entry.name) < key; });
  if (it == end || std::string_view(it->name) != name) return std::nullopt;
  return it->number;
}

std::optional<int> x86_64_syscall_number(std::string_view name) {
  std::string terminated(name);
  // Negative results are libseccomp's error value or its pseudo numbers for
  // syscalls that exist only on other architectures.
  int number = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, terminated.c_str());
  if (number >= 0) return number;
  return kernel_x86_64_syscall_number(name);
}

}  // namespace bp
