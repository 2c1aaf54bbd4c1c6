#include "agent/utf8_text.h"

namespace bp {
namespace {

constexpr char kReplacement[] = "\xef\xbf\xbd";

// The length of the valid UTF-8 sequence at data[i], or 0 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
size_t valid_sequence(ByteView data, size_t i) {
  uint8_t c = data[i];
  if (c < 0x80) return c == 0 ? 0 : 1;
  size_t length;
  uint8_t low = 0x80, high = 0xbf;  // bounds of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    length = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
    if (c == 0xe0) low = 0xa0;
    if (c == 0xed) high = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
    if (c == 0xf0) low = 0x90;
    if (c == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + length > data.size()) return 0;
  if (data[i + 1] < low || data[i + 1] > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (data[i + k] < 0x80 || data[i + k] > 0xbf) return 0;
  }
  return length;
}

}  // namespace

std::string lossy_utf8(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t length = valid_sequence(bytes, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(reinterpret_cast<const char *>(bytes.data() + i), length);
      i += length;
    }
  }
  return out;
}

}  // namespace bp
