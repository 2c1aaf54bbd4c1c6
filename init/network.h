// Stage "network": the interface the key broker is reached through. Either
// the kernel already configured it (`ip=` on the measured command line), or
// a static IPv4 address from the measured config is set here with the
// classic interface ioctls (no netlink library, no DHCP client in the guest).
#pragma once

#include <stdint.h>

#include <optional>
#include <string>

#include "lib/core/log.h"
#include "lib/core/result.h"

namespace bp {

struct Ipv4Cidr {
  uint32_t address = 0;  // host byte order
  uint8_t prefix_length = 0;
};

struct NetworkConfig {
  enum class Mode { none, kernel, static_address };
  Mode mode = Mode::none;
  std::string interface = "eth0";
  Ipv4Cidr address;                 // static_address only
  std::optional<uint32_t> gateway;  // static_address only, host byte order
  uint32_t wait_ms = 5000;          // for the interface (and, in kernel mode, its address)
};

Result<uint32_t> parse_ipv4(const std::string &text);
Result<Ipv4Cidr> parse_ipv4_cidr(const std::string &text);
std::string format_ipv4(uint32_t address);

// Brings up lo and the configured interface.
Status run_network_stage(const NetworkConfig &config, const Log &log);

}  // namespace bp
