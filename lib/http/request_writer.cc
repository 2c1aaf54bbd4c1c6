#include "lib/http/request_writer.h"

#include <string.h>

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {

namespace {

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != nullptr);
    if (!ok) return false;
  }
  return true;
}

// Printable ASCII and SP/HT only; no leading or trailing whitespace.
bool is_safe_value(std::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!(u == '\t' || (u >= 0x20 && u < 0x7f))) return false;
  }
  return s.empty() || (s.front() != ' ' && s.back() != ' ' && s.front() != '\t' && s.back() != '\t');
}

// origin-form: '/' then visible ASCII, no spaces or controls.
bool is_origin_target(std::string_view s) {
  if (s.empty() || s[0] != '/') return false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<Bytes> serialize_request(const HttpClientRequest &request, const std::string &host) {
  if (!is_token(request.method)) return Error("HTTP request: invalid method");
  if (!is_origin_target(request.target)) {
    return Error("HTTP request: the target must start with '/' and hold no spaces or control characters");
  }
  if (host.empty() || !is_safe_value(host) || host.find(' ') != std::string::npos) {
    return Error("HTTP request: invalid Host");
  }
  std::string text = request.method + " " + request.target + " HTTP/1.1\r\nHost: " + host + "\r\n";
  for (const HttpHeader &h : request.headers) {
    if (!is_token(h.name)) return Error(format("HTTP request: invalid header name '%.40s'", h.name.c_str()));
    std::string lower = to_lower(h.name);
    if (lower == "host" || lower == "content-length" || lower == "transfer-encoding" ||
        lower == "connection") {
      return Error("HTTP request: header " + h.name + " is set by the client itself");
    }
    if (!is_safe_value(h.value)) return Error("HTTP request: invalid value for header " + h.name);
    text += h.name + ": " + h.value + "\r\n";
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    text += format("Content-Length: %zu\r\n", request.body.size());
  }
  text += "\r\n";
  Bytes out(text.begin(), text.end());
  out.insert(out.end(), request.body.begin(), request.body.end());
  return out;
}

}  // namespace bp
