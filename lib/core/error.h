// Errors are values: a message that says what failed, where and what was
// expected, plus the errno when a system call failed.
#pragma once

#include <string>
#include <utility>

namespace bp {

class Error {
 public:
  explicit Error(std::string message, int errno_value = 0)
      : message_(std::move(message)), errno_(errno_value) {}

  // For a failed system call: "what: strerror(err)".
  static Error from_errno(std::string what, int err);

  const std::string &message() const { return message_; }
  int errno_value() const { return errno_; }

  // Prefixes the message with "context: ", keeping the errno; used while an
  // error travels up through layers that each know a little more.
  Error with_context(const std::string &context) const;

 private:
  std::string message_;
  int errno_;
};

}  // namespace bp
