// An HTTP/1.x request as the server's parser produced it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/http/header.h"

namespace bp {

struct HttpRequest {
  std::string method;     // case-sensitive token: "GET"
  std::string target;     // the request-target as sent: "/aa/token?token_type=kbs"
  std::string path;       // target up to '?', not percent-decoded
  std::string query;      // after '?', not decoded; empty without '?'
  int minor_version = 1;  // HTTP/1.<minor>
  std::vector<HttpHeader> headers;
  Bytes body;

  // The value of the first header with this lower-case name, or nullptr.
  const std::string *header(std::string_view name) const;
};

}  // namespace bp
