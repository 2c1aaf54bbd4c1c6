// An IPv4 or IPv6 socket address as accept() and getsockname() return it.
#pragma once

#include <stdint.h>
#include <sys/socket.h>

#include <string>
#include <string_view>

#include "lib/core/result.h"

namespace bp {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  static SocketAddress ipv4(uint32_t address_host_order, uint16_t port);
  static SocketAddress ipv4_loopback(uint16_t port) { return ipv4(0x7f000001u, port); }

  int family() const { return storage.ss_family; }
  uint16_t port() const;
  // 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8. Anything else (including
  // an address of another family) is not loopback.
  bool is_loopback() const;
  // "127.0.0.1:8006", "[::1]:8006".
  std::string to_string() const;
};

// "a.b.c.d:port" or just "port" (then the address is the given default).
Result<SocketAddress> parse_ipv4_endpoint(std::string_view text, uint32_t default_address_host_order);

Result<SocketAddress> local_address(int fd);

}  // namespace bp
