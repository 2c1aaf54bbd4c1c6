#include "agent/line_framer.h"

#include <string.h>

namespace bp {

void LineFramer::feed(ByteView data, std::vector<LineEvent> &events) {
  size_t start = 0;
  while (start < data.size()) {
    const uint8_t *begin = data.data() + start;
    const void *found = memchr(begin, '\n', data.size() - start);
    size_t end = found ? static_cast<size_t>(static_cast<const uint8_t *>(found) - data.data()) : data.size();
    size_t length = end - start;
    if (discarding_) {
      if (found) discarding_ = false;
    } else if (buffer_.size() + length > max_line_ + 1) {  // + 1: room for a '\r' before the newline
      buffer_.clear();
      events.push_back(LineEvent{LineEvent::Kind::oversized, std::string()});
      discarding_ = found == nullptr;
    } else {
      buffer_.append(reinterpret_cast<const char *>(begin), length);
      if (found) {
        if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
        if (buffer_.size() > max_line_)
          events.push_back(LineEvent{LineEvent::Kind::oversized, std::string()});
        else
          events.push_back(LineEvent{LineEvent::Kind::line, std::move(buffer_)});
        buffer_.clear();
      }
    }
    start = found ? end + 1 : data.size();
  }
}

void LineFramer::reset() {
  buffer_.clear();
  discarding_ = false;
}

}  // namespace bp
