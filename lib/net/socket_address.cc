#include "lib/net/socket_address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {

SocketAddress SocketAddress::ipv4(uint32_t address_host_order, uint16_t port) {
  SocketAddress address;
  auto *in = reinterpret_cast<sockaddr_in *>(&address.storage);
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  in->sin_addr.s_addr = htonl(address_host_order);
  address.length = sizeof(sockaddr_in);
  return address;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
  return 0;
}

bool SocketAddress::is_loopback() const {
  if (family() == AF_INET && length >= sizeof(sockaddr_in)) {
    uint32_t address = ntohl(reinterpret_cast<const sockaddr_in *>(&storage)->sin_addr.s_addr);
    return (address >> 24) == 127;
  }
  if (family() == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const uint8_t *a = reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_addr.s6_addr;
    static const uint8_t kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, kLoopback, 16) == 0) return true;
    return memcmp(a, kMappedPrefix, 12) == 0 && a[12] == 127;
  }
  return false;
}

std::string SocketAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = "";
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(&storage)->sin_addr, text, sizeof(text));
    return format("%s:%u", text, port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_addr, text, sizeof(text));
    return format("[%s]:%u", text, port());
  }
  return format("(address family %d)", family());
}

Result<SocketAddress> parse_ipv4_endpoint(std::string_view text, uint32_t default_address_host_order) {
  std::string_view port_text = text;
  uint32_t address = default_address_host_order;
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    std::string host(text.substr(0, colon));
    in_addr parsed{};
    if (inet_pton(AF_INET, host.c_str(), &parsed) != 1)
      return Error(format("'%.*s': expected an IPv4 address before the port", static_cast<int>(text.size()),
                          text.data()));
    address = ntohl(parsed.s_addr);
    port_text = text.substr(colon + 1);
  }
  auto port = parse_u64(port_text);
  if (!port.ok() || port.value() > 65535)
    return Error(
        format("'%.*s': expected a port number 0..65535", static_cast<int>(text.size()), text.data()));
  return SocketAddress::ipv4(address, static_cast<uint16_t>(port.value()));
}

Result<SocketAddress> local_address(int fd) {
  SocketAddress address;
  address.length = sizeof(address.storage);
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&address.storage), &address.length) != 0)
    return Error::from_errno("getsockname", errno);
  return address;
}

}  // namespace bp
