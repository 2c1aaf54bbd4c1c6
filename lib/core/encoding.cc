#include "lib/core/encoding.h"

#include "lib/core/format.h"

namespace bp {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64UrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string encode64(ByteView bytes, const char *alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

int value64(char c, const char *alphabet) {
  for (int i = 0; i < 64; ++i) {
    if (alphabet[i] == c) return i;
  }
  return -1;
}

enum class Padding { required, optional };

Result<Bytes> decode64(std::string_view text, const char *alphabet, Padding padding, const char *name) {
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  std::string_view body = text.substr(0, text.size() - pad);
  if (padding == Padding::required || pad > 0) {
    if (text.size() % 4 != 0)
      return Error(format("%s: length %zu is not a multiple of 4", name, text.size()));
  }
  if (body.size() % 4 == 1) return Error(format("%s: impossible length %zu", name, text.size()));
  if (pad > 0 && (body.size() + pad) % 4 != 0) return Error(format("%s: wrong padding", name));
  Bytes out;
  out.reserve(body.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    int v = value64(body[i], alphabet);
    if (v < 0) return Error(format("%s: invalid character at offset %zu", name, i));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return Error(format("%s: non-zero trailing bits", name));
  return out;
}

}  // namespace

std::string hex_encode(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 15];
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return Error(format("hex: odd length %zu", text.size()));
  Bytes out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return Error(format("hex: invalid character at offset %zu", hi < 0 ? 2 * i : 2 * i + 1));
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64_encode(ByteView bytes) { return encode64(bytes, kBase64Alphabet, true); }
Result<Bytes> base64_decode(std::string_view text) {
  return decode64(text, kBase64Alphabet, Padding::required, "base64");
}
std::string base64url_encode(ByteView bytes) { return encode64(bytes, kBase64UrlAlphabet, false); }
Result<Bytes> base64url_decode(std::string_view text) {
  return decode64(text, kBase64UrlAlphabet, Padding::optional, "base64url");
}

}  // namespace bp
