#include "lib/http/query.h"

#include "lib/core/format.h"

namespace bp {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      int hi = text.size() - i >= 3 ? hex_value(text[i + 1]) : -1;
      int lo = text.size() - i >= 3 ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Error(format("malformed percent escape at offset %zu", i));
      out += static_cast<char>(hi << 4 | lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Result<QueryParameters> parse_query(std::string_view query) {
  QueryParameters parameters;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    size_t equals = piece.find('=');
    std::string_view raw_name = piece.substr(0, equals);
    std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
    std::string name = TRY_CONTEXT(percent_decode(raw_name, true), "query parameter name");
    std::string value =
        TRY_CONTEXT(percent_decode(raw_value, true), format("query parameter '%s'", name.c_str()));
    if (find_parameter(parameters, name))
      return Error(format("query parameter '%s' is given more than once", name.c_str()));
    parameters.emplace_back(std::move(name), std::move(value));
  }
  return parameters;
}

const std::string *find_parameter(const QueryParameters &parameters, std::string_view name) {
  for (const auto &p : parameters) {
    if (p.first == name) return &p.second;
  }
  return nullptr;
}

}  // namespace bp
