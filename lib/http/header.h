// One HTTP header field, shared by the client's and the server's messages.
#pragma once

#include <string>

namespace bp {

struct HttpHeader {
  std::string name;   // lower case when received (field names are case-insensitive)
  std::string value;  // without surrounding whitespace
};

}  // namespace bp
