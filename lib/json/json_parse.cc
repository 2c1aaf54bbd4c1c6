#include "lib/json/json_parse.h"

#include <jansson.h>

#include "lib/core/format.h"

namespace bp {
namespace {

// jansson quotes the offending token in its messages; the text may hold any
// byte, so escape all but printable ASCII before it reaches a log.
std::string printable(const char *text) {
  std::string out;
  for (const char *p = text; *p != '\0'; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c >= 0x7f)
      out += format("\\x%02x", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

Error location_error(std::string_view text, size_t offset, const std::string &what) {
  // Same convention as jansson: column counts characters, position bytes read.
  size_t line = 1, column = 0;
  for (size_t i = 0; i <= offset && i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 0;
    } else if ((c & 0xc0) != 0x80) {
      ++column;
    }
  }
  return Error(format("invalid JSON at line %zu, column %zu, position %zu: %s", line, column, offset + 1,
                      what.c_str()));
}

// Brackets inside strings do not count; escapes are skipped so that \" does
// not end a string. Malformed text is left for jansson to reject.
Status check_depth(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return location_error(text, i, format("nesting deeper than the limit of %zu", max_depth));
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return {};
}

}  // namespace

JsonResult parse_json(std::string_view text, size_t max_size, size_t max_depth) {
  if (text.size() > max_size)
    return Error(format("JSON text of %zu bytes is larger than the limit of %zu", text.size(), max_size));
  TRY(check_depth(text, max_depth));
  json_error_t error;
  json_t *value = json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
  if (value == nullptr)
    return Error(format("invalid JSON at line %d, column %d, position %d: %s", error.line, error.column,
                        error.position, printable(error.text).c_str()));
  return Json::adopt(value);
}

}  // namespace bp
