// Broker URLs: http(s)://host[:port][/base/path], nothing else (no user
// info, query or fragment). The host is an IPv4 address, a bracketed IPv6
// address or a DNS name.
#pragma once

#include <stdint.h>

#include <string>
#include <string_view>

#include "lib/core/result.h"

namespace bp {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets
  uint16_t port = 0;   // default 80 / 443
  std::string path;    // "" or "/base" (no trailing slash)

  bool is_https() const { return scheme == "https"; }
  // For the Host header: host[:port] with brackets around IPv6.
  std::string authority() const;
};

Result<Url> parse_url(std::string_view text);

}  // namespace bp
