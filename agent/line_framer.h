// Splits the host channel's byte stream into request lines ('\n'-terminated,
// an optional '\r' before it is dropped) with a bound on the line length: a
// longer line is reported once as oversized and its bytes are discarded up
// to its newline, so the buffer never holds more than max_line bytes.
#pragma once

#include <string>
#include <vector>

#include "lib/core/bytes.h"

namespace bp {

struct LineEvent {
  enum class Kind { line, oversized };
  Kind kind;
  std::string text;  // the line (without the newline) for Kind::line
};

class LineFramer {
 public:
  explicit LineFramer(size_t max_line) : max_line_(max_line) {}

  // Appends the events completed by data, in order.
  void feed(ByteView data, std::vector<LineEvent> &events);
  size_t buffered() const { return buffer_.size(); }
  // Forgets a partial line (the stream was reopened).
  void reset();

 private:
  size_t max_line_;
  std::string buffer_;
  bool discarding_ = false;
};

}  // namespace bp
