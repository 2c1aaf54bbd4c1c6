// The "newer than the profile" rule of runc: a short BPF program placed in
// front of libseccomp's filter that returns ENOSYS for every syscall number
// above the highest one the profile names (per ABI), so that a libc falls
// back to an older syscall (clone3 -> clone) instead of failing with the
// profile's default errno. Everything else falls through to the filter.
//
// Why a prepended stub instead of explicit ENOSYS rules: it covers every
// higher number (also ones no table knows yet) in a handful of instructions,
// whatever the default action, and costs O(1) per syscall.
#pragma once

#include <linux/filter.h>
#include <stdint.h>

#include <optional>
#include <vector>

namespace bp {

// The highest syscall number named per ABI; an ABI without a value gets no
// ENOSYS section. x32 numbers include the x32 bit (0x40000000).
struct EnosysLimits {
  std::optional<uint32_t> x86_64;
  std::optional<uint32_t> x32;
  std::optional<uint32_t> x86;
};

// The stub; the filter proper must directly follow it. Empty if no ABI has
// a limit.
std::vector<sock_filter> enosys_stub(const EnosysLimits &limits);

}  // namespace bp
