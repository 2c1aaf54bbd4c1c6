// Result<T>: a value or an Error, and TRY() to propagate the error. Modelled
// on SerenityOS's ErrorOr: no exceptions, the error path is explicit.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "lib/core/error.h"

namespace bp {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  Result(T value)
      : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error)
      : storage_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return storage_.index() == 0; }

  T &value() & { return std::get<0>(storage_); }
  const T &value() const & { return std::get<0>(storage_); }
  T &&value() && { return std::get<0>(std::move(storage_)); }
  T release_value() { return std::get<0>(std::move(storage_)); }

  const Error &error() const { return std::get<1>(storage_); }
  Error release_error() { return std::get<1>(std::move(storage_)); }

 private:
  std::variant<T, Error> storage_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  void release_value() {}
  const Error &error() const { return *error_; }
  Error release_error() { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace bp

// Evaluates a Result-valued expression; on error returns it from the enclosing
// function (which must return a Result), otherwise yields the value.
#define TRY(expr)                                              \
  ({                                                           \
    auto try_result_ = (expr);                                 \
    if (!try_result_.ok()) return try_result_.release_error(); \
    try_result_.release_value();                               \
  })

// Like TRY, but prefixes the error message with a context string.
#define TRY_CONTEXT(expr, context)                                                   \
  ({                                                                                 \
    auto try_result_ = (expr);                                                       \
    if (!try_result_.ok()) return try_result_.release_error().with_context(context); \
    try_result_.release_value();                                                     \
  })
