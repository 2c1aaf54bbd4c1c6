#include "init/network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/core/unique_fd.h"

namespace bp {
namespace {

sockaddr_in to_sockaddr(uint32_t address) {
  sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(address);
  return sin;
}

uint32_t prefix_mask(uint8_t prefix_length) {
  return prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
}

Result<ifreq> request_for(const std::string &interface) {
  ifreq req;
  memset(&req, 0, sizeof req);
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    return Error(
        format("network interface name '%s' must have 1 to %d characters", interface.c_str(), IFNAMSIZ - 1));
  }
  memcpy(req.ifr_name, interface.c_str(), interface.size());
  return req;
}

Status set_address(int sock, const std::string &interface, uint32_t address, unsigned long request,
                   const char *what) {
  ifreq req = TRY(request_for(interface));
  sockaddr_in sin = to_sockaddr(address);
  memcpy(&req.ifr_addr, &sin, sizeof sin);
  if (ioctl(sock, request, &req) != 0)
    return Error::from_errno(format("%s of %s", what, interface.c_str()), errno);
  return {};
}

Status set_up(int sock, const std::string &interface) {
  ifreq req = TRY(request_for(interface));
  if (ioctl(sock, SIOCGIFFLAGS, &req) != 0) return Error::from_errno("get flags of " + interface, errno);
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
  if (ioctl(sock, SIOCSIFFLAGS, &req) != 0) return Error::from_errno("bring up " + interface, errno);
  return {};
}

std::optional<uint32_t> current_address(int sock, const std::string &interface) {
  auto req = request_for(interface);
  if (!req.ok()) return std::nullopt;
  if (ioctl(sock, SIOCGIFADDR, &req.value()) != 0) return std::nullopt;
  sockaddr_in sin;
  memcpy(&sin, &req.value().ifr_addr, sizeof sin);
  return ntohl(sin.sin_addr.s_addr);
}

bool interface_exists(int sock, const std::string &interface) {
  auto req = request_for(interface);
  return req.ok() && ioctl(sock, SIOCGIFFLAGS, &req.value()) == 0;
}

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// virtio-net may still be probing when init starts.
Status wait_for(int sock, const NetworkConfig &config, bool need_address) {
  uint64_t deadline = monotonic_ms() + config.wait_ms;
  for (;;) {
    bool present = interface_exists(sock, config.interface);
    if (present && (!need_address || current_address(sock, config.interface))) return {};
    if (monotonic_ms() >= deadline) {
      return Error(format("network interface %s %s within %u ms", config.interface.c_str(),
                          present ? "got no address from the kernel's ip= configuration" : "did not appear",
                          config.wait_ms));
    }
    sleep_ms(50);
  }
}

Status add_default_route(int sock, uint32_t gateway, const std::string &interface) {
  rtentry route;
  memset(&route, 0, sizeof route);
  sockaddr_in any = to_sockaddr(0);
  sockaddr_in via = to_sockaddr(gateway);
  memcpy(&route.rt_dst, &any, sizeof any);
  memcpy(&route.rt_genmask, &any, sizeof any);
  memcpy(&route.rt_gateway, &via, sizeof via);
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  std::string device = interface;  // rt_dev is a non-const char*
  route.rt_dev = device.data();
  if (ioctl(sock, SIOCADDRT, &route) != 0 && errno != EEXIST) {
    return Error::from_errno("add default route via " + format_ipv4(gateway), errno);
  }
  return {};
}

}  // namespace

Result<uint32_t> parse_ipv4(const std::string &text) {
  auto parts = split(text, '.');
  if (parts.size() != 4) return Error(format("'%s' is not an IPv4 address (a.b.c.d)", text.c_str()));
  uint32_t address = 0;
  for (std::string_view part : parts) {
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) {
      return Error(format("'%s' is not an IPv4 address (a.b.c.d)", text.c_str()));
    }
    auto value = parse_u64(part);
    if (!value.ok() || value.value() > 255)
      return Error(format("'%s' is not an IPv4 address (a.b.c.d)", text.c_str()));
    address = address << 8 | static_cast<uint32_t>(value.value());
  }
  return address;
}

Result<Ipv4Cidr> parse_ipv4_cidr(const std::string &text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return Error(format("'%s' has no prefix length (a.b.c.d/n)", text.c_str()));
  Ipv4Cidr cidr;
  cidr.address = TRY(parse_ipv4(text.substr(0, slash)));
  auto prefix = parse_u64(std::string_view(text).substr(slash + 1));
  if (!prefix.ok() || prefix.value() > 32) {
    return Error(format("'%s' has an invalid prefix length (0 to 32)", text.c_str()));
  }
  cidr.prefix_length = static_cast<uint8_t>(prefix.value());
  return cidr;
}

std::string format_ipv4(uint32_t a) {
  return format("%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

Status run_network_stage(const NetworkConfig &config, const Log &log) {
  if (config.mode == NetworkConfig::Mode::none) {
    log.info("no network configured");
    return {};
  }
  UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return Error::from_errno("socket for interface configuration", errno);
  TRY(set_up(sock.get(), "lo"));
  if (config.mode == NetworkConfig::Mode::kernel) {
    TRY(wait_for(sock.get(), config, true));
    log.info("%s configured by the kernel: %s", config.interface.c_str(),
             format_ipv4(*current_address(sock.get(), config.interface)).c_str());
    return {};
  }
  TRY(wait_for(sock.get(), config, false));
  TRY(set_address(sock.get(), config.interface, config.address.address, SIOCSIFADDR, "set address"));
  TRY(set_address(sock.get(), config.interface, prefix_mask(config.address.prefix_length), SIOCSIFNETMASK,
                  "set netmask"));
  TRY(set_up(sock.get(), config.interface));
  if (config.gateway) TRY(add_default_route(sock.get(), *config.gateway, config.interface));
  log.info("%s: %s/%u%s%s", config.interface.c_str(), format_ipv4(config.address.address).c_str(),
           config.address.prefix_length, config.gateway ? " via " : "",
           config.gateway ? format_ipv4(*config.gateway).c_str() : "");
  return {};
}

}  // namespace bp
