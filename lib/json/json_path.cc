#include "lib/json/json_path.h"

#include "lib/core/format.h"

namespace bp {
namespace {

// Longer text is cut in messages; the document itself is unchanged.
constexpr size_t kMaxKeyInPath = 64;

bool is_plain_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyInPath) return false;
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string json_quoted(std::string_view text) {
  std::string out = "'";
  size_t shown = text.size() > kMaxKeyInPath ? kMaxKeyInPath : text.size();
  for (size_t i = 0; i < shown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += format("\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < text.size()) out += "...";
  return out + "'";
}

std::string json_member_path(const std::string &parent, std::string_view key) {
  if (is_plain_key(key)) return parent + "." + std::string(key);
  return parent + "[" + json_quoted(key) + "]";
}

std::string json_index_path(const std::string &parent, size_t index) {
  return format("%s[%zu]", parent.c_str(), index);
}

}  // namespace bp
