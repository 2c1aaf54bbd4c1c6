#include "lib/net/tcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/core/format.h"

namespace bp {

namespace {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

Result<std::vector<Address>> resolve(const std::string &host, uint16_t port) {
  std::vector<Address> out;
  Address a;
  auto *v4 = reinterpret_cast<sockaddr_in *>(&a.storage);
  auto *v6 = reinterpret_cast<sockaddr_in6 *>(&a.storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof *v4;
    out.push_back(a);
    return out;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof *v6;
    out.push_back(a);
    return out;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo *list = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) return Error(format("resolving %s: %s", host.c_str(), gai_strerror(rc)));
  for (addrinfo *ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof a.storage) continue;
    Address r;
    memcpy(&r.storage, ai->ai_addr, ai->ai_addrlen);
    r.length = ai->ai_addrlen;
    if (ai->ai_family == AF_INET) {
      reinterpret_cast<sockaddr_in *>(&r.storage)->sin_port = htons(port);
    } else if (ai->ai_family == AF_INET6) {
      reinterpret_cast<sockaddr_in6 *>(&r.storage)->sin6_port = htons(port);
    } else {
      continue;
    }
    out.push_back(r);
  }
  freeaddrinfo(list);
  if (out.empty()) return Error(format("resolving %s: no IPv4 or IPv6 address", host.c_str()));
  return out;
}

Result<UniqueFd> connect_one(const Address &address, Deadline deadline, const std::string &where) {
  UniqueFd fd(socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Error::from_errno("socket for " + where, errno);
  int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc;
  do {
    rc = connect(fd.get(), reinterpret_cast<const sockaddr *>(&address.storage), address.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno != EINPROGRESS) return Error::from_errno("connect to " + where, errno);
    TRY(wait_for_fd(fd.get(), POLLOUT, deadline, ("connecting to " + where).c_str()));
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
      return Error::from_errno("connect to " + where, errno);
    }
    if (err != 0) return Error::from_errno("connect to " + where, err);
  }
  return fd;
}

}  // namespace

Result<UniqueFd> tcp_connect(const std::string &host, uint16_t port, Deadline deadline) {
  std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + format(":%u", port);
  std::vector<Address> addresses = TRY(resolve(host, port));
  Error last("no address");
  for (const Address &a : addresses) {
    Result<UniqueFd> fd = connect_one(a, deadline, where);
    if (fd.ok()) return fd;
    last = fd.release_error();
    if (deadline.expired()) break;
  }
  return last;
}

Result<size_t> socket_recv(int fd, uint8_t *out, size_t size, bool *would_block) {
  *would_block = false;
  for (;;) {
    ssize_t n = recv(fd, out, size, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      *would_block = true;
      return size_t{0};
    }
    return Error::from_errno("receive", errno);
  }
}

Result<size_t> socket_send(int fd, const uint8_t *data, size_t size, bool *would_block) {
  *would_block = false;
  for (;;) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      *would_block = true;
      return size_t{0};
    }
    return Error::from_errno("send", errno);
  }
}

Result<size_t> TcpStream::read_some(uint8_t *out, size_t size, Deadline deadline) {
  for (;;) {
    bool would_block;
    size_t n = TRY(socket_recv(fd_.get(), out, size, &would_block));
    if (!would_block) return n;
    TRY(wait_for_fd(fd_.get(), POLLIN, deadline, "waiting for data from the server"));
  }
}

Status TcpStream::write_all(ByteView data, Deadline deadline) {
  size_t done = 0;
  while (done < data.size()) {
    bool would_block;
    size_t n = TRY(socket_send(fd_.get(), data.data() + done, data.size() - done, &would_block));
    if (would_block) {
      TRY(wait_for_fd(fd_.get(), POLLOUT, deadline, "sending to the server"));
      continue;
    }
    done += n;
  }
  return {};
}

}  // namespace bp
