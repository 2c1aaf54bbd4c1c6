// The initial rootfs (the unpacked initramfs) is the one mount pivot_root
// cannot leave: it has no parent. bp-init moves a bind mount of it onto "/"
// and chroots into that, as switch_root does, before anything else is
// mounted. Afterwards every mount bp-init makes hangs below that bind mount,
// and the workload's pivot_root detaches all of them together.
#pragma once

#include "lib/core/result.h"

namespace bp {

// Only for PID 1 in the guest: it changes the root of the calling process.
Status make_root_a_bind_mount();

}  // namespace bp
