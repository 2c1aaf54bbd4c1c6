// The agent gives up what it does not need before it talks to anyone: every
// capability (it binds a port above 1024 and opens root-owned files as
// root, which needs none), the means to get them back, and new privileges
// through execve.
#pragma once

#include "lib/core/log.h"
#include "lib/core/result.h"

namespace bp {

// Empties the bounding set (when we hold CAP_SETPCAP; without it we hold no
// capability to lose), locks the securebits so that being root grants
// nothing on execve, clears the ambient set, then the effective, permitted
// and inheritable sets; and checks the result.
Status drop_all_capabilities(const Log &log);

Status set_no_new_privs();

}  // namespace bp
