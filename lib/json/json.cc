#include "lib/json/json.h"

#include <string.h>

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/json/json_path.h"

namespace bp {
namespace {

// Bounds the message of only_keys() for a document with many unknown keys.
constexpr size_t kMaxUnknownKeysListed = 8;

const char *article(const char *noun) { return noun[0] != '\0' && strchr("aeiou", noun[0]) ? "an" : "a"; }

Result<Bytes> check_length(const Json &value, Bytes bytes, size_t length) {
  if (length != kAnyLength && bytes.size() != length)
    return Error(format("%s: expected %zu bytes, got %zu", value.path().c_str(), length, bytes.size()));
  return bytes;
}

// The decoders' messages say what is wrong with the text, never the text.
Result<Bytes> decode_string(const Json &value, Result<Bytes> (*decode)(std::string_view),
                            const char *encoding, size_t length) {
  std::string text = TRY(value.as_string());
  Result<Bytes> bytes = decode(text);
  if (!bytes.ok())
    return Error(
        format("%s: invalid %s: %s", value.path().c_str(), encoding, bytes.error().message().c_str()));
  return check_length(value, bytes.release_value(), length);
}

template <typename T, typename Read>
Result<std::optional<T>> read_optional(const Json &object, const char *key, Read read) {
  std::optional<Json> member = TRY(object.optional_member(key));
  if (!member) return std::optional<T>();
  return std::optional<T>(TRY(read(*member)));
}

}  // namespace

Json::Json() : value_(json_null()), path_("$") {}

Json Json::adopt(json_t *value, std::string path) {
  return Json(value != nullptr ? value : json_null(), std::move(path));
}

Json::Json(const Json &other) : value_(json_incref(other.value_)), path_(other.path_) {}

Json::Json(Json &&other) noexcept : value_(other.value_), path_(std::move(other.path_)) {
  other.value_ = json_null();
}

Json &Json::operator=(const Json &other) {
  if (this != &other) {
    json_incref(other.value_);
    json_decref(value_);
    value_ = other.value_;
    path_ = other.path_;
  }
  return *this;
}

Json &Json::operator=(Json &&other) noexcept {
  if (this != &other) {
    json_decref(value_);
    value_ = other.value_;
    path_ = std::move(other.path_);
    other.value_ = json_null();
  }
  return *this;
}

Json::~Json() { json_decref(value_); }

const char *Json::type_name() const {
  switch (json_typeof(value_)) {
    case JSON_OBJECT:
      return "object";
    case JSON_ARRAY:
      return "array";
    case JSON_STRING:
      return "string";
    case JSON_INTEGER:
      return "integer";
    case JSON_REAL:
      return "real";
    case JSON_TRUE:
    case JSON_FALSE:
      return "boolean";
    case JSON_NULL:
      return "null";
  }
  return "unknown";
}

Error Json::type_error(const char *expected) const {
  return Error(format("%s: expected %s %s, got %s", path_.c_str(), article(expected), expected, type_name()));
}

Error Json::choice_error(const std::string &text, const std::vector<const char *> &choices) const {
  std::string message = path_ + ": expected one of";
  for (size_t i = 0; i < choices.size(); ++i) message += (i ? ", " : " ") + json_quoted(choices[i]);
  return Error(message + ", got " + json_quoted(text));
}

Status Json::expect_object() const {
  if (!is_object()) return type_error("object");
  return {};
}

Result<std::string> Json::as_string() const {
  if (!is_string()) return type_error("string");
  return std::string(json_string_value(value_), json_string_length(value_));
}

Result<bool> Json::as_bool() const {
  if (!json_is_boolean(value_)) return type_error("boolean");
  return json_is_true(value_);
}

Result<uint64_t> Json::as_u64(uint64_t max) const {
  if (!json_is_integer(value_)) return type_error("unsigned integer");
  json_int_t v = json_integer_value(value_);
  if (v < 0) return Error(format("%s: expected an unsigned integer, got %lld", path_.c_str(), v));
  if (static_cast<uint64_t>(v) > max)
    return Error(format("%s: expected an unsigned integer of at most %llu, got %lld", path_.c_str(),
                        static_cast<unsigned long long>(max), v));
  return static_cast<uint64_t>(v);
}

Result<int64_t> Json::as_i64() const {
  if (!json_is_integer(value_)) return type_error("integer");
  return static_cast<int64_t>(json_integer_value(value_));
}

Result<Bytes> Json::as_byte_array(size_t length) const {
  if (!is_array()) return type_error("array of bytes");
  size_t n = json_array_size(value_);
  if (length != kAnyLength && n != length)
    return Error(format("%s: expected %zu bytes, got %zu", path_.c_str(), length, n));
  Bytes bytes;
  bytes.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    json_t *element = json_array_get(value_, i);
    json_int_t v = json_is_integer(element) ? json_integer_value(element) : -1;
    if (v < 0 || v > 255) {
      Json e(json_incref(element), json_index_path(path_, i));
      if (!json_is_integer(element)) return e.type_error("integer 0..255");
      return Error(format("%s: expected an integer 0..255, got %lld", e.path_.c_str(), v));
    }
    bytes.push_back(static_cast<uint8_t>(v));
  }
  return bytes;
}

Result<std::vector<std::string>> Json::as_strings() const {
  std::vector<Json> items = TRY(elements());
  std::vector<std::string> strings;
  strings.reserve(items.size());
  for (const Json &item : items) strings.push_back(TRY(item.as_string()));
  return strings;
}

size_t Json::size() const {
  if (is_array()) return json_array_size(value_);
  if (is_object()) return json_object_size(value_);
  return 0;
}

JsonResult Json::at(size_t index) const {
  if (!is_array()) return type_error("array");
  json_t *element = json_array_get(value_, index);
  if (element == nullptr)
    return Error(format("%s: missing (the array has %zu elements)", json_index_path(path_, index).c_str(),
                        json_array_size(value_)));
  return Json(json_incref(element), json_index_path(path_, index));
}

Result<std::vector<Json>> Json::elements() const {
  if (!is_array()) return type_error("array");
  std::vector<Json> items;
  items.reserve(json_array_size(value_));
  for (size_t i = 0; i < json_array_size(value_); ++i)
    items.push_back(Json(json_incref(json_array_get(value_, i)), json_index_path(path_, i)));
  return items;
}

Result<std::vector<JsonMember>> Json::members() const {
  TRY(expect_object());
  std::vector<JsonMember> members;
  members.reserve(json_object_size(value_));
  for (void *it = json_object_iter(value_); it != nullptr; it = json_object_iter_next(value_, it)) {
    std::string key(json_object_iter_key(it), json_object_iter_key_len(it));
    std::string path = json_member_path(path_, key);
    members.push_back(
        JsonMember{std::move(key), Json(json_incref(json_object_iter_value(it)), std::move(path))});
  }
  return members;
}

bool Json::has(const char *key) const { return is_object() && json_object_get(value_, key) != nullptr; }

JsonResult Json::member(const char *key) const {
  TRY(expect_object());
  json_t *value = json_object_get(value_, key);
  if (value == nullptr) return Error(format("%s: missing", json_member_path(path_, key).c_str()));
  return Json(json_incref(value), json_member_path(path_, key));
}

JsonResult Json::object(const char *key) const {
  Json value = TRY(member(key));
  TRY(value.expect_object());
  return value;
}

JsonResult Json::array(const char *key) const {
  Json value = TRY(member(key));
  if (!value.is_array()) return value.type_error("array");
  return value;
}

Result<std::optional<Json>> Json::optional_member(const char *key) const {
  TRY(expect_object());
  json_t *value = json_object_get(value_, key);
  if (value == nullptr || json_is_null(value)) return std::optional<Json>();
  return std::optional<Json>(Json(json_incref(value), json_member_path(path_, key)));
}

Result<std::optional<Json>> Json::optional_object(const char *key) const {
  return read_optional<Json>(*this, key, [](const Json &v) -> Result<Json> {
    TRY(v.expect_object());
    return v;
  });
}

Result<std::optional<Json>> Json::optional_array(const char *key) const {
  return read_optional<Json>(*this, key, [](const Json &v) -> Result<Json> {
    if (!v.is_array()) return v.type_error("array");
    return v;
  });
}

Result<std::string> Json::get_string(const char *key) const { return member(key).as_string(); }
Result<bool> Json::get_bool(const char *key) const { return member(key).as_bool(); }
Result<uint64_t> Json::get_u64(const char *key, uint64_t max) const { return member(key).as_u64(max); }
Result<int64_t> Json::get_i64(const char *key) const { return member(key).as_i64(); }
Result<std::vector<std::string>> Json::get_strings(const char *key) const { return member(key).as_strings(); }

Result<std::optional<std::string>> Json::optional_string(const char *key) const {
  return read_optional<std::string>(*this, key, [](const Json &v) { return v.as_string(); });
}

Result<std::optional<bool>> Json::optional_bool(const char *key) const {
  return read_optional<bool>(*this, key, [](const Json &v) { return v.as_bool(); });
}

Result<std::optional<uint64_t>> Json::optional_u64(const char *key, uint64_t max) const {
  return read_optional<uint64_t>(*this, key, [max](const Json &v) { return v.as_u64(max); });
}

Result<std::optional<int64_t>> Json::optional_i64(const char *key) const {
  return read_optional<int64_t>(*this, key, [](const Json &v) { return v.as_i64(); });
}

Result<Bytes> Json::get_byte_array(const char *key, size_t length) const {
  return member(key).as_byte_array(length);
}

Result<Bytes> Json::get_hex(const char *key, size_t length) const {
  return decode_string(TRY(member(key)), hex_decode, "hex", length);
}

Result<Bytes> Json::get_base64(const char *key, size_t length) const {
  return decode_string(TRY(member(key)), base64_decode, "base64", length);
}

Result<Bytes> Json::get_base64url(const char *key, size_t length) const {
  return decode_string(TRY(member(key)), base64url_decode, "base64url", length);
}

Status Json::only_keys(std::initializer_list<const char *> allowed) const {
  TRY(expect_object());
  std::vector<std::string> unknown;
  size_t unknown_count = 0;
  for (void *it = json_object_iter(value_); it != nullptr; it = json_object_iter_next(value_, it)) {
    std::string_view key(json_object_iter_key(it), json_object_iter_key_len(it));
    bool known = false;
    for (const char *name : allowed) known = known || key == name;
    if (known) continue;
    if (++unknown_count <= kMaxUnknownKeysListed) unknown.push_back(json_member_path(path_, key));
  }
  if (unknown_count == 0) return {};
  std::string message = unknown_count == 1 ? "unknown key " : "unknown keys ";
  for (size_t i = 0; i < unknown.size(); ++i) message += (i ? ", " : "") + unknown[i];
  if (unknown_count > unknown.size()) message += format(" and %zu more", unknown_count - unknown.size());
  message += " (expected only";
  const char *separator = " ";
  for (const char *name : allowed) {
    message += separator;
    message += name;
    separator = ", ";
  }
  if (allowed.size() == 0) message += " none";
  return Error(message + ")");
}

}  // namespace bp
