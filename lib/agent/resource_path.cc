#include "lib/agent/resource_path.h"

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// For messages: the text with anything unusual shown as '?', shortened.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  if (text.size() > 64) out += "...";
  return out;
}

Result<std::string> segment(std::string_view text, const char *what) {
  if (text.empty()) return Error(format("the %s is empty", what));
  if (text.size() > kMaxResourceSegment)
    return Error(format("the %s is longer than %zu characters", what, kMaxResourceSegment));
  if (text == "." || text == "..")
    return Error(format("the %s '%s' is not a plain name", what, shown(text).c_str()));
  for (char c : text) {
    if (!is_name_char(c))
      return Error(
          format("the %s '%s' contains a character other than A-Z a-z 0-9 . _ -", what, shown(text).c_str()));
  }
  return std::string(text);
}

}  // namespace

Result<ResourcePath> parse_resource_path(std::string_view text) {
  std::vector<std::string_view> parts = split(text, '/');
  if (parts.size() != 3)
    return Error(format("resource path '%s': expected <repository>/<type>/<tag>", shown(text).c_str()));
  ResourcePath path;
  path.repository =
      TRY_CONTEXT(segment(parts[0], "repository"), format("resource path '%s'", shown(text).c_str()));
  path.type = TRY_CONTEXT(segment(parts[1], "type"), format("resource path '%s'", shown(text).c_str()));
  path.tag = TRY_CONTEXT(segment(parts[2], "tag"), format("resource path '%s'", shown(text).c_str()));
  return path;
}

Result<ResourcePath> parse_resource_reference(std::string_view text) {
  constexpr std::string_view kScheme = "kbs:///";
  if (starts_with(text, kScheme)) text.remove_prefix(kScheme.size());
  return parse_resource_path(text);
}

}  // namespace bp
