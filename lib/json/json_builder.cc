#include "lib/json/json_builder.h"

#include <string.h>

#include "lib/json/json_path.h"

namespace bp {
namespace {

constexpr char kNoContainer[] = "no container to add to (builder moved from, or out of memory)";

// A new jansson value, or null and why.
struct NewValue {
  json_t *value;
  const char *problem;
};

NewValue new_string(std::string_view value) {
  if (value.empty()) return {json_string(""), "out of memory"};
  if (memchr(value.data(), '\0', value.size()) != nullptr) return {nullptr, "string contains a NUL byte"};
  return {json_stringn(value.data(), value.size()), "string is not valid UTF-8"};
}

NewValue new_u64(uint64_t value) {
  if (value > static_cast<uint64_t>(INT64_MAX)) return {nullptr, "unsigned integer is beyond 2^63-1"};
  return {json_integer(static_cast<json_int_t>(value)), "out of memory"};
}

json_t *new_byte_array(ByteView bytes) {
  json_t *array = json_array();
  for (size_t i = 0; array != nullptr && i < bytes.size(); ++i) {
    if (json_array_append_new(array, json_integer(bytes[i])) != 0) {
      json_decref(array);
      array = nullptr;
    }
  }
  return array;
}

json_t *share(const Json &value) { return json_incref(const_cast<json_t *>(value.raw())); }

// A nested builder's error names a path from its own root "$"; place it
// under the member or element it was added as.
Error nested_error(const std::string &location, const Error &error) {
  return Error(location + error.message().substr(1));
}

}  // namespace

JsonObjectBuilder::JsonObjectBuilder() : object_(json_object()) {}

JsonObjectBuilder::JsonObjectBuilder(JsonObjectBuilder &&other) noexcept
    : object_(other.object_), error_(std::move(other.error_)) {
  other.object_ = nullptr;
}

JsonObjectBuilder &JsonObjectBuilder::operator=(JsonObjectBuilder &&other) noexcept {
  if (this != &other) {
    json_decref(object_);
    object_ = other.object_;
    error_ = std::move(other.error_);
    other.object_ = nullptr;
  }
  return *this;
}

JsonObjectBuilder::~JsonObjectBuilder() { json_decref(object_); }

JsonObjectBuilder &JsonObjectBuilder::add(const char *key, json_t *value, const char *problem) {
  if (error_) {
    // Only the first error is reported.
  } else if (object_ == nullptr) {
    error_ = Error(json_member_path("$", key) + ": " + kNoContainer);
  } else if (value == nullptr) {
    error_ = Error(json_member_path("$", key) + ": " + problem);
  } else if (json_object_get(object_, key) != nullptr) {
    error_ = Error(json_member_path("$", key) + ": added twice");
  } else {
    // json_object_set_new takes the reference even when it fails.
    if (json_object_set_new(object_, key, value) != 0)
      error_ = Error(json_member_path("$", key) + ": key is not valid UTF-8");
    return *this;
  }
  json_decref(value);
  return *this;
}

JsonObjectBuilder &JsonObjectBuilder::add(const char *key, Result<Json> value) {
  if (!value.ok()) {
    if (!error_) error_ = nested_error(json_member_path("$", key), value.error());
    return *this;
  }
  return add(key, share(value.value()), "out of memory");
}

JsonObjectBuilder &JsonObjectBuilder::add_string(const char *key, std::string_view value) {
  NewValue string = new_string(value);
  return add(key, string.value, string.problem);
}

JsonObjectBuilder &JsonObjectBuilder::add_i64(const char *key, int64_t value) {
  return add(key, json_integer(value), "out of memory");
}

JsonObjectBuilder &JsonObjectBuilder::add_u64(const char *key, uint64_t value) {
  NewValue integer = new_u64(value);
  return add(key, integer.value, integer.problem);
}

JsonObjectBuilder &JsonObjectBuilder::add_bool(const char *key, bool value) {
  return add(key, json_boolean(value), "out of memory");
}

JsonObjectBuilder &JsonObjectBuilder::add_null(const char *key) {
  return add(key, json_null(), "out of memory");
}

JsonObjectBuilder &JsonObjectBuilder::add_byte_array(const char *key, ByteView bytes) {
  return add(key, new_byte_array(bytes), "out of memory");
}

JsonObjectBuilder &JsonObjectBuilder::add_value(const char *key, const Json &value) {
  return add(key, share(value), "out of memory");
}

JsonObjectBuilder &JsonObjectBuilder::add_object(const char *key, JsonObjectBuilder object) {
  return add(key, object.build());
}

JsonObjectBuilder &JsonObjectBuilder::add_array(const char *key, JsonArrayBuilder array) {
  return add(key, array.build());
}

Result<Json> JsonObjectBuilder::build() {
  if (!error_ && object_ == nullptr) error_ = Error(std::string("$: ") + kNoContainer);
  if (error_) {
    Error error = std::move(*error_);
    error_.reset();
    json_decref(object_);
    object_ = json_object();
    return error;
  }
  Json built = Json::adopt(object_);
  object_ = json_object();
  return built;
}

JsonArrayBuilder::JsonArrayBuilder() : array_(json_array()) {}

JsonArrayBuilder::JsonArrayBuilder(JsonArrayBuilder &&other) noexcept
    : array_(other.array_), error_(std::move(other.error_)) {
  other.array_ = nullptr;
}

JsonArrayBuilder &JsonArrayBuilder::operator=(JsonArrayBuilder &&other) noexcept {
  if (this != &other) {
    json_decref(array_);
    array_ = other.array_;
    error_ = std::move(other.error_);
    other.array_ = nullptr;
  }
  return *this;
}

JsonArrayBuilder::~JsonArrayBuilder() { json_decref(array_); }

JsonArrayBuilder &JsonArrayBuilder::add(json_t *value, const char *problem) {
  if (error_) {
    // Only the first error is reported.
  } else if (array_ == nullptr) {
    error_ = Error(std::string("$: ") + kNoContainer);
  } else if (value == nullptr) {
    error_ = Error(json_index_path("$", json_array_size(array_)) + ": " + problem);
  } else {
    if (json_array_append_new(array_, value) != 0) error_ = Error("$: out of memory");
    return *this;
  }
  json_decref(value);
  return *this;
}

JsonArrayBuilder &JsonArrayBuilder::add(Result<Json> value) {
  if (!value.ok()) {
    if (!error_) {
      size_t index = array_ == nullptr ? 0 : json_array_size(array_);
      error_ = nested_error(json_index_path("$", index), value.error());
    }
    return *this;
  }
  return add(share(value.value()), "out of memory");
}

JsonArrayBuilder &JsonArrayBuilder::add_string(std::string_view value) {
  NewValue string = new_string(value);
  return add(string.value, string.problem);
}

JsonArrayBuilder &JsonArrayBuilder::add_i64(int64_t value) {
  return add(json_integer(value), "out of memory");
}

JsonArrayBuilder &JsonArrayBuilder::add_u64(uint64_t value) {
  NewValue integer = new_u64(value);
  return add(integer.value, integer.problem);
}

JsonArrayBuilder &JsonArrayBuilder::add_bool(bool value) { return add(json_boolean(value), "out of memory"); }

JsonArrayBuilder &JsonArrayBuilder::add_null() { return add(json_null(), "out of memory"); }

JsonArrayBuilder &JsonArrayBuilder::add_byte_array(ByteView bytes) {
  return add(new_byte_array(bytes), "out of memory");
}

JsonArrayBuilder &JsonArrayBuilder::add_value(const Json &value) {
  return add(share(value), "out of memory");
}

JsonArrayBuilder &JsonArrayBuilder::add_object(JsonObjectBuilder object) { return add(object.build()); }

JsonArrayBuilder &JsonArrayBuilder::add_array(JsonArrayBuilder array) { return add(array.build()); }

Result<Json> JsonArrayBuilder::build() {
  if (!error_ && array_ == nullptr) error_ = Error(std::string("$: ") + kNoContainer);
  if (error_) {
    Error error = std::move(*error_);
    error_.reset();
    json_decref(array_);
    array_ = json_array();
    return error;
  }
  Json built = Json::adopt(array_);
  array_ = json_array();
  return built;
}

}  // namespace bp
