// A listening TCP socket for servers that multiplex with poll().
#pragma once

#include "lib/core/result.h"
#include "lib/core/unique_fd.h"
#include "lib/net/socket_address.h"

namespace bp {

// Non-blocking and close-on-exec, SO_REUSEADDR so a restarted server can
// bind while old connections linger in TIME_WAIT. Port 0 picks a free port
// (local_address() tells which).
Result<UniqueFd> listen_tcp(const SocketAddress &address, int backlog);

// One connection from a non-blocking listener: the socket (non-blocking,
// close-on-exec) and the peer. An invalid fd means nothing was pending.
struct AcceptedConnection {
  UniqueFd fd;
  SocketAddress peer;
};
Result<AcceptedConnection> accept_connection(int listener);

}  // namespace bp
