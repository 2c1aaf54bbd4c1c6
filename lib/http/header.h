// One HTTP header field, shared by the server's requests (request.h) and
// the client's messages (message.h).
#pragma once

#include <string>

namespace bp {

struct HttpHeader {
  std::string name;   // lower case where received (field names are case-insensitive)
  std::string value;  // without surrounding whitespace
};

}  // namespace bp
