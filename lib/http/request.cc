#include "lib/http/request.h"

namespace bp {

const std::string *ParsedHttpRequest::header(std::string_view name) const {
  for (const HttpHeader &h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

}  // namespace bp
