// Building JSON values to send (KBS requests, SNP evidence, runtime data):
//
//   JsonObjectBuilder key;
//   key.add_string("kty", "EC").add_string("crv", "P-256");
//   JsonObjectBuilder request;
//   request.add_string("nonce", nonce).add_object("tee-pubkey", std::move(key));
//   Json body = TRY(request.build());
//
// Members keep the order they were added in (json_compact writes them so);
// json_canonical sorts them. Adding a key twice, a string that is not UTF-8
// or holds a NUL byte, or an unsigned integer beyond 2^63-1 is an error that
// build() reports (the first one, with the key or index).
#pragma once

#include <stdint.h>

#include <optional>
#include <string_view>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/json/json.h"

namespace bp {

class JsonArrayBuilder;

class JsonObjectBuilder {
 public:
  JsonObjectBuilder();
  JsonObjectBuilder(JsonObjectBuilder &&other) noexcept;
  JsonObjectBuilder &operator=(JsonObjectBuilder &&other) noexcept;
  JsonObjectBuilder(const JsonObjectBuilder &) = delete;
  JsonObjectBuilder &operator=(const JsonObjectBuilder &) = delete;
  ~JsonObjectBuilder();

  JsonObjectBuilder &add_string(const char *key, std::string_view value);
  JsonObjectBuilder &add_i64(const char *key, int64_t value);
  JsonObjectBuilder &add_u64(const char *key, uint64_t value);
  JsonObjectBuilder &add_bool(const char *key, bool value);
  JsonObjectBuilder &add_null(const char *key);
  // As an array of integers 0..255.
  JsonObjectBuilder &add_byte_array(const char *key, ByteView bytes);
  JsonObjectBuilder &add_value(const char *key, const Json &value);
  JsonObjectBuilder &add_object(const char *key, JsonObjectBuilder object);
  JsonObjectBuilder &add_array(const char *key, JsonArrayBuilder array);

  // The object, or the first error; the builder is empty afterwards.
  Result<Json> build();

 private:
  JsonObjectBuilder &add(const char *key, json_t *value, const char *problem);
  JsonObjectBuilder &add(const char *key, Result<Json> value);

  json_t *object_;
  std::optional<Error> error_;
};

class JsonArrayBuilder {
 public:
  JsonArrayBuilder();
  JsonArrayBuilder(JsonArrayBuilder &&other) noexcept;
  JsonArrayBuilder &operator=(JsonArrayBuilder &&other) noexcept;
  JsonArrayBuilder(const JsonArrayBuilder &) = delete;
  JsonArrayBuilder &operator=(const JsonArrayBuilder &) = delete;
  ~JsonArrayBuilder();

  JsonArrayBuilder &add_string(std::string_view value);
  JsonArrayBuilder &add_i64(int64_t value);
  JsonArrayBuilder &add_u64(uint64_t value);
  JsonArrayBuilder &add_bool(bool value);
  JsonArrayBuilder &add_null();
  JsonArrayBuilder &add_byte_array(ByteView bytes);
  JsonArrayBuilder &add_value(const Json &value);
  JsonArrayBuilder &add_object(JsonObjectBuilder object);
  JsonArrayBuilder &add_array(JsonArrayBuilder array);

  Result<Json> build();

 private:
  JsonArrayBuilder &add(json_t *value, const char *problem);
  JsonArrayBuilder &add(Result<Json> value);

  json_t *array_;
  std::optional<Error> error_;
};

}  // namespace bp
