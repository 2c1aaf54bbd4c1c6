// Syscall numbers by name for the x86_64 ABI: libseccomp's own table first,
// then the guest kernel's table for the names libseccomp 2.5.4 lacks.
#pragma once

#include <optional>
#include <string_view>

namespace bp {

// From the kernel table only (lib/seccomp/syscall_table_x86_64.cc).
std::optional<int> kernel_x86_64_syscall_number(std::string_view name);

// libseccomp first, then the kernel table; nullopt if neither knows the name
// as an x86_64 syscall.
std::optional<int> x86_64_syscall_number(std::string_view name);

}  // namespace bp
