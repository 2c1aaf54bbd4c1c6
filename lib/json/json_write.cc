#include "lib/json/json_write.h"

#include <math.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "lib/core/format.h"
#include "lib/json/ecmascript_number.h"
#include "lib/json/json_path.h"

namespace bp {
namespace {

// Parsed values are at most 2048 deep (jansson's limit); this only stops a
// tree with a cycle, which jansson's raw API could build.
constexpr size_t kMaxDepth = 4096;
constexpr json_int_t kMaxSafeInteger = json_int_t{1} << 53;

void write_string(const char *text, size_t length, std::string *out) {
  *out += '"';
  for (size_t i = 0; i < length; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        if (c < 0x20)
          *out += format("\\u%04x", c);
        else
          *out += static_cast<char>(c);
    }
  }
  *out += '"';
}

bool is_integer_literal(const std::string &number) { return number.find_first_of(".e") == std::string::npos; }

// ECMAScript writes reals below 1e21 without an exponent, but jansson reads a
// number without '.' or 'e' as an int64 and fails beyond 2^63; the compact
// form must read back, so there it uses an exponent: "1.2345678901234568e+20".
std::string as_exponent(const std::string &integer) {
  size_t start = integer[0] == '-' ? 1 : 0;
  size_t end = integer.find_last_not_of('0') + 1;
  std::string out = integer.substr(0, start + 1);
  if (end > start + 1) out += "." + integer.substr(start + 1, end - start - 1);
  return out + format("e+%zu", integer.size() - start - 1);
}

// Keys are valid UTF-8 (jansson checks every key it stores).
std::u16string utf16(const char *key, size_t length) {
  std::u16string units;
  for (size_t i = 0; i < length;) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    size_t extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    uint32_t cp = extra == 0 ? c : c & (0x3f >> extra);
    for (size_t j = 1; j <= extra && i + j < length; ++j)
      cp = cp << 6 | (static_cast<unsigned char>(key[i + j]) & 0x3f);
    i += extra + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units += static_cast<char16_t>(0xd800 + (cp >> 10));
      units += static_cast<char16_t>(0xdc00 + (cp & 0x3ff));
    } else {
      units += static_cast<char16_t>(cp);
    }
  }
  return units;
}

// Where the writer is below the value it was given; turned into a path only
// when there is an error to report.
struct Step {
  const char *key;  // nullptr for an array element
  size_t key_length;
  size_t index;
};

struct Member {
  std::u16string sort_key;
  const char *key;
  size_t key_length;
  json_t *value;
};

class Writer {
 public:
  Writer(bool canonical, const std::string &root_path) : canonical_(canonical), root_path_(root_path) {}

  Status write(const json_t *value) {
    if (steps_.size() > kMaxDepth) return error(format("nested deeper than %zu", kMaxDepth));
    switch (json_typeof(value)) {
      case JSON_OBJECT:
        return write_object(const_cast<json_t *>(value));
      case JSON_ARRAY:
        out_ += '[';
        for (size_t i = 0; i < json_array_size(value); ++i) {
          if (i) out_ += ',';
          steps_.push_back(Step{nullptr, 0, i});
          TRY(write(json_array_get(value, i)));
          steps_.pop_back();
        }
        out_ += ']';
        return {};
      case JSON_STRING:
        write_string(json_string_value(value), json_string_length(value), &out_);
        return {};
      case JSON_INTEGER: {
        json_int_t v = json_integer_value(value);
        if (canonical_ && (v > kMaxSafeInteger || v < -kMaxSafeInteger))
          return error(format("integer %lld is beyond 2^53 and has no exact canonical (RFC 8785) form", v));
        char digits[24];
        out_.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
        return {};
      }
      case JSON_REAL: {
        Result<std::string> number = format_ecmascript_number(json_real_value(value));
        if (!number.ok()) return error(number.error().message());
        if (!canonical_ && is_integer_literal(number.value()) && fabs(json_real_value(value)) >= 0x1p63)
          out_ += as_exponent(number.value());
        else
          out_ += number.value();
        return {};
      }
      case JSON_TRUE:
        out_ += "true";
        return {};
      case JSON_FALSE:
        out_ += "false";
        return {};
      case JSON_NULL:
        out_ += "null";
        return {};
    }
    return error("unknown JSON type");
  }

  std::string take() { return std::move(out_); }

 private:
  Error error(const std::string &what) const {
    std::string path = root_path_;
    for (const Step &step : steps_)
      path = step.key ? json_member_path(path, std::string_view(step.key, step.key_length))
                      : json_index_path(path, step.index);
    return Error(path + ": " + what);
  }

  Status write_object(json_t *object) {
    std::vector<Member> members;
    members.reserve(json_object_size(object));
    for (void *it = json_object_iter(object); it != nullptr; it = json_object_iter_next(object, it)) {
      const char *key = json_object_iter_key(it);
      size_t length = json_object_iter_key_len(it);
      members.push_back(Member{canonical_ ? utf16(key, length) : std::u16string(), key, length,
                               json_object_iter_value(it)});
    }
    if (canonical_) {
      std::sort(members.begin(), members.end(),
                [](const Member &a, const Member &b) { return a.sort_key < b.sort_key; });
    }
    out_ += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out_ += ',';
      write_string(members[i].key, members[i].key_length, &out_);
      out_ += ':';
      steps_.push_back(Step{members[i].key, members[i].key_length, 0});
      TRY(write(members[i].value));
      steps_.pop_back();
    }
    out_ += '}';
    return {};
  }

  bool canonical_;
  const std::string &root_path_;
  std::vector<Step> steps_;
  std::string out_;
};

Result<std::string> serialise(const Json &value, bool canonical) {
  Writer writer(canonical, value.path());
  TRY(writer.write(value.raw()));
  return writer.take();
}

}  // namespace

Result<std::string> json_compact(const Json &value) { return serialise(value, false); }

Result<std::string> json_canonical(const Json &value) { return serialise(value, true); }

}  // namespace bp
