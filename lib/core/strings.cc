#include "lib/core/strings.h"

#include "lib/core/format.h"

namespace bp {

Result<uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) return Error("expected a decimal number, got an empty string");
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return Error(
          format("expected a decimal number, got '%.*s'", static_cast<int>(text.size()), text.data()));
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      return Error(format("number '%.*s' is too large", static_cast<int>(text.size()), text.data()));
    value = value * 10 + digit;
  }
  return value;
}

Result<uint64_t> parse_hex_u64(std::string_view text) {
  std::string_view digits = text;
  if (starts_with(digits, "0x") || starts_with(digits, "0X")) digits.remove_prefix(2);
  if (digits.empty() || digits.size() > 16) {
    return Error(format("expected a hexadecimal number of at most 64 bits, got '%.*s'",
                        static_cast<int>(text.size()), text.data()));
  }
  uint64_t value = 0;
  for (char c : digits) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return Error(
          format("expected a hexadecimal number, got '%.*s'", static_cast<int>(text.size()), text.data()));
    value = value << 4 | static_cast<uint64_t>(v);
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join(const std::vector<std::string> &parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char &c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace bp
