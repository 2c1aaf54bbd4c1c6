#include "lib/http/url.h"

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {

namespace {

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_ipv6_char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

bool is_path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~/!$&'()*+,;=:@%").find(c) != std::string_view::npos;
}

}  // namespace

std::string Url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return default_port ? h : h + format(":%u", port);
}

Result<Url> parse_url(std::string_view text) {
  Url url;
  std::string shown(text.substr(0, 200));
  auto bad = [&](const char *why) { return Error(format("URL '%s': %s", shown.c_str(), why)); };
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad("expected scheme://host");
  url.scheme = to_lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return bad("the scheme must be http or https");
  std::string_view rest = text.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return bad("user information is not supported");
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    url.host = std::string(authority.substr(1, close - 1));
    for (char c : url.host) {
      if (!is_ipv6_char(c)) return bad("invalid IPv6 address");
    }
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("junk after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else {
    size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
    }
    for (char c : url.host) {
      if (!is_host_char(c)) return bad("invalid character in the host");
    }
  }
  if (url.host.empty()) return bad("no host");
  url.port = url.is_https() ? 443 : 80;
  if (!port_text.empty()) {
    Result<uint64_t> port = parse_u64(port_text);
    if (!port.ok() || port.value() == 0 || port.value() > 65535) return bad("the port must be 1..65535");
    url.port = static_cast<uint16_t>(port.value());
  }
  for (char c : path) {
    if (c == '?' || c == '#') return bad("queries and fragments are not supported");
    if (!is_path_char(c)) return bad("invalid character in the path");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path = std::string(path);
  return url;
}

}  // namespace bp
