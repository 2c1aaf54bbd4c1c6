#include "lib/http/cookie.h"

#include "lib/core/format.h"

namespace bp {

namespace {

// cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
bool is_cookie_octet(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x2b) || (u >= 0x2d && u <= 0x3a) || (u >= 0x3c && u <= 0x5b) ||
         (u >= 0x5d && u <= 0x7e);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::optional<std::string>> find_set_cookie(const HttpClientResponse &response,
                                                   std::string_view name) {
  std::optional<std::string> found;
  for (const std::string &header : response.headers_named("set-cookie")) {
    std::string_view pair = header;
    size_t semicolon = pair.find(';');
    if (semicolon != std::string_view::npos) pair = pair.substr(0, semicolon);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;  // not a cookie-pair: ignored (RFC 6265 5.2)
    if (trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (value.empty() || value.size() > 4096) {
      return Error(
          format("Set-Cookie %.*s: empty or oversized value", static_cast<int>(name.size()), name.data()));
    }
    for (char c : value) {
      if (!is_cookie_octet(c)) {
        return Error(format("Set-Cookie %.*s: invalid character in the value", static_cast<int>(name.size()),
                            name.data()));
      }
    }
    found = std::string(value);
  }
  return found;
}

}  // namespace bp
