#include "lib/crypto/pem.h"

#include <string>

#include "lib/core/encoding.h"
#include "lib/core/format.h"

namespace bp {

namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kDashes = "-----";
constexpr std::string_view kLabel = "CERTIFICATE";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

Result<std::vector<Bytes>> pem_decode_certificates(std::string_view text) {
  std::vector<Bytes> certificates;
  size_t pos = 0;
  while (true) {
    size_t begin = text.find(kBegin, pos);
    if (begin == std::string_view::npos) break;
    size_t label_start = begin + kBegin.size();
    size_t label_end = text.find(kDashes, label_start);
    size_t line_end = text.find('\n', label_start);
    if (label_end == std::string_view::npos || (line_end != std::string_view::npos && label_end > line_end)) {
      return Error(format("PEM: malformed BEGIN line at offset %zu", begin));
    }
    std::string_view label = text.substr(label_start, label_end - label_start);
    if (label != kLabel) {
      return Error(format("PEM: block at offset %zu is '%.*s', expected CERTIFICATE", begin,
                          static_cast<int>(label.size() > 40 ? 40 : label.size()), label.data()));
    }
    size_t body_start = label_end + kDashes.size();
    size_t end = text.find(kEnd, body_start);
    if (end == std::string_view::npos) {
      return Error(format("PEM: certificate block at offset %zu has no END line", begin));
    }
    std::string base64;
    for (char c : text.substr(body_start, end - body_start)) {
      if (!is_space(c)) base64 += c;
    }
    auto der = base64_decode(base64);
    if (!der.ok()) {
      return der.release_error().with_context(format("PEM: certificate block at offset %zu", begin));
    }
    if (der.value().empty()) return Error(format("PEM: certificate block at offset %zu is empty", begin));
    certificates.push_back(der.release_value());
    pos = end + kEnd.size();
  }
  if (certificates.empty()) return Error("PEM: no CERTIFICATE block found");
  return certificates;
}

}  // namespace bp
