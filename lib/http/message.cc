#include "lib/http/message.h"

namespace bp {

const std::string *HttpClientResponse::header(std::string_view name) const {
  for (const HttpHeader &h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

std::vector<std::string> HttpClientResponse::headers_named(std::string_view name) const {
  std::vector<std::string> values;
  for (const HttpHeader &h : headers) {
    if (h.name == name) values.push_back(h.value);
  }
  return values;
}

}  // namespace bp
