// A JSON value (an RAII handle over a jansson json_t) with typed accessors
// whose errors name the JSON path of the value:
//
//   Json config = TRY(parse_json(text, kMaxConfigSize, kMaxConfigDepth));
//   auto root = TRY(config.object("disks")).object("root");
//   uint64_t offset = TRY(root.get_u64("offset"));
//   // fails with "$.disks.root.offset: expected an unsigned integer, got string"
//
// Values are immutable once built (parse_json, JsonObjectBuilder), so copies
// share the jansson tree: copying increments its reference count. A
// moved-from Json is JSON null.
//
// Numbers: jansson holds integers as int64 and everything with a fraction or
// exponent as a double. get_u64 accepts integers 0..2^63-1 (larger ones are
// already a parse error, "too big integer"); a real such as 5.0 is not an
// integer. There is no 2^53 limit here because no value passes through a
// double; the RFC 8785 writer, which follows JavaScript's number model,
// rejects integers beyond 2^53 instead.
//
// optional_* accessors treat a member that is absent or null as absent.
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

class JsonResult;
struct JsonMember;

// "No length check" for the byte-string accessors.
constexpr size_t kAnyLength = SIZE_MAX;

class Json {
 public:
  // JSON null at path "$".
  Json();
  // Takes over one reference to value (null becomes JSON null); for the
  // parser and the builder.
  static Json adopt(json_t *value, std::string path = "$");

  Json(const Json &other);
  Json(Json &&other) noexcept;
  Json &operator=(const Json &other);
  Json &operator=(Json &&other) noexcept;
  ~Json();

  // Where this value sits in its document: "$", "$.mounts[3].type", ...
  const std::string &path() const { return path_; }
  // For the serialisers; the value must not be modified.
  const json_t *raw() const { return value_; }

  bool is_null() const { return json_is_null(value_); }
  bool is_object() const { return json_is_object(value_); }
  bool is_array() const { return json_is_array(value_); }
  bool is_string() const { return json_is_string(value_); }
  // "object", "array", "string", "integer", "real", "boolean" or "null".
  const char *type_name() const;

  // This value as a typed C++ value; errors name path().
  Result<std::string> as_string() const;
  Result<bool> as_bool() const;
  Result<uint64_t> as_u64(uint64_t max = UINT64_MAX) const;
  Result<int64_t> as_i64() const;
  // An array of integers 0..255 (how the SNP evidence encodes byte arrays).
  Result<Bytes> as_byte_array(size_t length = kAnyLength) const;
  Result<std::vector<std::string>> as_strings() const;  // an array of strings

  // Element count of an array, member count of an object, 0 otherwise.
  size_t size() const;
  JsonResult at(size_t index) const;
  // The elements of an array, each knowing its path ("$.mounts[3]").
  Result<std::vector<Json>> elements() const;
  // The members of an object in document order.
  Result<std::vector<JsonMember>> members() const;

  // Members of an object. A missing member is an error naming its path.
  bool has(const char *key) const;
  JsonResult member(const char *key) const;  // any type
  JsonResult object(const char *key) const;
  JsonResult array(const char *key) const;
  Result<std::optional<Json>> optional_member(const char *key) const;
  Result<std::optional<Json>> optional_object(const char *key) const;
  Result<std::optional<Json>> optional_array(const char *key) const;

  Result<std::string> get_string(const char *key) const;
  Result<bool> get_bool(const char *key) const;
  Result<uint64_t> get_u64(const char *key, uint64_t max = UINT64_MAX) const;
  Result<int64_t> get_i64(const char *key) const;
  Result<std::vector<std::string>> get_strings(const char *key) const;
  Result<std::optional<std::string>> optional_string(const char *key) const;
  Result<std::optional<bool>> optional_bool(const char *key) const;
  Result<std::optional<uint64_t>> optional_u64(const char *key, uint64_t max = UINT64_MAX) const;
  Result<std::optional<int64_t>> optional_i64(const char *key) const;

  // A string that must be one of the given names, mapped to its value:
  //   get_enum<Flavour>("flavour", {{"production", Flavour::production}, {"debug", Flavour::debug}})
  template <typename T>
  Result<T> as_enum(std::initializer_list<std::pair<const char *, T>> names) const;
  template <typename T>
  Result<T> get_enum(const char *key, std::initializer_list<std::pair<const char *, T>> names) const;
  template <typename T>
  Result<std::optional<T>> optional_enum(const char *key,
                                         std::initializer_list<std::pair<const char *, T>> names) const;

  // Byte strings; length, when given, is the exact number of bytes expected.
  // The results are ordinary Bytes: not for key material.
  Result<Bytes> get_byte_array(const char *key, size_t length = kAnyLength) const;
  Result<Bytes> get_hex(const char *key, size_t length = kAnyLength) const;
  Result<Bytes> get_base64(const char *key, size_t length = kAnyLength) const;
  Result<Bytes> get_base64url(const char *key, size_t length = kAnyLength) const;

  // Fails unless this is an object whose keys are all in allowed; the error
  // lists every unknown key by its path.
  Status only_keys(std::initializer_list<const char *> allowed) const;

 private:
  Json(json_t *value, std::string path) : value_(value), path_(std::move(path)) {}
  Error type_error(const char *expected) const;
  Error choice_error(const std::string &text, const std::vector<const char *> &choices) const;
  Status expect_object() const;

  json_t *value_;
  std::string path_;
};

struct JsonMember {
  std::string key;
  Json value;
};

// A Result<Json> that also offers Json's accessors, so lookups chain and the
// first error travels to the end: config.object("disks").object("root")
// .get_u64("offset") fails with "$.disks: missing" if there are no disks.
class JsonResult : public Result<Json> {
 public:
  using Result<Json>::Result;

  Result<std::string> as_string() const { return ok() ? value().as_string() : error(); }
  Result<bool> as_bool() const { return ok() ? value().as_bool() : error(); }
  Result<uint64_t> as_u64(uint64_t max = UINT64_MAX) const { return ok() ? value().as_u64(max) : error(); }
  Result<int64_t> as_i64() const { return ok() ? value().as_i64() : error(); }
  Result<Bytes> as_byte_array(size_t length = kAnyLength) const {
    return ok() ? value().as_byte_array(length) : error();
  }
  Result<std::vector<std::string>> as_strings() const { return ok() ? value().as_strings() : error(); }
  JsonResult at(size_t index) const { return ok() ? value().at(index) : error(); }
  Result<std::vector<Json>> elements() const { return ok() ? value().elements() : error(); }
  Result<std::vector<JsonMember>> members() const { return ok() ? value().members() : error(); }

  JsonResult member(const char *key) const { return ok() ? value().member(key) : error(); }
  JsonResult object(const char *key) const { return ok() ? value().object(key) : error(); }
  JsonResult array(const char *key) const { return ok() ? value().array(key) : error(); }
  Result<std::optional<Json>> optional_member(const char *key) const {
    return ok() ? value().optional_member(key) : error();
  }
  Result<std::optional<Json>> optional_object(const char *key) const {
    return ok() ? value().optional_object(key) : error();
  }
  Result<std::optional<Json>> optional_array(const char *key) const {
    return ok() ? value().optional_array(key) : error();
  }

  Result<std::string> get_string(const char *key) const { return ok() ? value().get_string(key) : error(); }
  Result<bool> get_bool(const char *key) const { return ok() ? value().get_bool(key) : error(); }
  Result<uint64_t> get_u64(const char *key, uint64_t max = UINT64_MAX) const {
    return ok() ? value().get_u64(key, max) : error();
  }
  Result<int64_t> get_i64(const char *key) const { return ok() ? value().get_i64(key) : error(); }
  Result<std::vector<std::string>> get_strings(const char *key) const {
    return ok() ? value().get_strings(key) : error();
  }
  Result<std::optional<std::string>> optional_string(const char *key) const {
    return ok() ? value().optional_string(key) : error();
  }
  Result<std::optional<bool>> optional_bool(const char *key) const {
    return ok() ? value().optional_bool(key) : error();
  }
  Result<std::optional<uint64_t>> optional_u64(const char *key, uint64_t max = UINT64_MAX) const {
    return ok() ? value().optional_u64(key, max) : error();
  }
  Result<std::optional<int64_t>> optional_i64(const char *key) const {
    return ok() ? value().optional_i64(key) : error();
  }

  Result<Bytes> get_byte_array(const char *key, size_t length = kAnyLength) const {
    return ok() ? value().get_byte_array(key, length) : error();
  }
  Result<Bytes> get_hex(const char *key, size_t length = kAnyLength) const {
    return ok() ? value().get_hex(key, length) : error();
  }
  Result<Bytes> get_base64(const char *key, size_t length = kAnyLength) const {
    return ok() ? value().get_base64(key, length) : error();
  }
  Result<Bytes> get_base64url(const char *key, size_t length = kAnyLength) const {
    return ok() ? value().get_base64url(key, length) : error();
  }

  Status only_keys(std::initializer_list<const char *> allowed) const {
    return ok() ? value().only_keys(allowed) : error();
  }

  template <typename T>
  Result<T> as_enum(std::initializer_list<std::pair<const char *, T>> names) const {
    return ok() ? value().as_enum<T>(names) : error();
  }
  template <typename T>
  Result<T> get_enum(const char *key, std::initializer_list<std::pair<const char *, T>> names) const {
    return ok() ? value().get_enum<T>(key, names) : error();
  }
  template <typename T>
  Result<std::optional<T>> optional_enum(const char *key,
                                         std::initializer_list<std::pair<const char *, T>> names) const {
    return ok() ? value().optional_enum<T>(key, names) : error();
  }
};

template <typename T>
Result<T> Json::as_enum(std::initializer_list<std::pair<const char *, T>> names) const {
  std::string text = TRY(as_string());
  std::vector<const char *> choices;
  for (const auto &name : names) {
    if (text == name.first) return name.second;
    choices.push_back(name.first);
  }
  return choice_error(text, choices);
}

template <typename T>
Result<T> Json::get_enum(const char *key, std::initializer_list<std::pair<const char *, T>> names) const {
  return member(key).as_enum<T>(names);
}

template <typename T>
Result<std::optional<T>> Json::optional_enum(const char *key,
                                             std::initializer_list<std::pair<const char *, T>> names) const {
  std::optional<Json> found = TRY(optional_member(key));
  if (!found) return std::optional<T>();
  return std::optional<T>(TRY(found->as_enum<T>(names)));
}

}  // namespace bp
