#include "lib/net/tcp_listener.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/core/format.h"

namespace bp {

Result<UniqueFd> listen_tcp(const SocketAddress &address, int backlog) {
  UniqueFd fd(socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Error::from_errno("socket", errno);
  int one = 1;
  if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
    return Error::from_errno("setsockopt SO_REUSEADDR", errno);
  if (bind(fd.get(), reinterpret_cast<const sockaddr *>(&address.storage), address.length) != 0)
    return Error::from_errno(format("binding %s", address.to_string().c_str()), errno);
  if (listen(fd.get(), backlog) != 0)
    return Error::from_errno(format("listening on %s", address.to_string().c_str()), errno);
  return fd;
}

Result<AcceptedConnection> accept_connection(int listener) {
  AcceptedConnection connection;
  connection.peer.length = sizeof(connection.peer.storage);
  for (;;) {
    int fd = accept4(listener, reinterpret_cast<sockaddr *>(&connection.peer.storage),
                     &connection.peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      connection.fd.reset(fd);
      return connection;
    }
    if (errno == EINTR) continue;
    // Nothing pending, or a connection that died while queued: not an error
    // of the listener.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EPROTO) {
      return connection;
    }
    return Error::from_errno("accept", errno);
  }
}

}  // namespace bp
