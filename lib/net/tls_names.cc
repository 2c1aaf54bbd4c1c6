#include "lib/net/tls_names.h"

#include <arpa/inet.h>

#include "lib/core/byte_reader.h"

namespace bp {

namespace {

constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kIpAddress = 0x87;  // [7] IMPLICIT OCTET STRING

struct Tlv {
  uint8_t tag;
  ByteView contents;
};

Result<Tlv> read_tlv(ByteReader &reader) {
  uint8_t tag = TRY(reader.u8("tag"));
  if ((tag & 0x1f) == 0x1f) return Error("subjectAltName: high tag numbers are not expected");
  uint8_t first = TRY(reader.u8("length"));
  size_t length = first;
  if (first & 0x80) {
    size_t octets = first & 0x7f;
    if (octets == 0 || octets > 3) return Error("subjectAltName: unsupported length encoding");
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = length << 8 | TRY(reader.u8("length"));
  }
  ByteView contents = TRY(reader.bytes(length, "contents"));
  return Tlv{tag, contents};
}

}  // namespace

std::optional<Bytes> ip_literal_bytes(const std::string &host) {
  uint8_t buffer[16];
  if (inet_pton(AF_INET, host.c_str(), buffer) == 1) return Bytes(buffer, buffer + 4);
  if (inet_pton(AF_INET6, host.c_str(), buffer) == 1) return Bytes(buffer, buffer + 16);
  return std::nullopt;
}

Result<bool> subject_alt_names_contain_ip(ByteView san, ByteView ip) {
  ByteReader outer(san);
  Tlv names = TRY_CONTEXT(read_tlv(outer), "subjectAltName");
  if (names.tag != kSequence || !outer.at_end()) return Error("subjectAltName: expected one SEQUENCE");
  ByteReader reader(names.contents);
  bool found = false;
  while (!reader.at_end()) {
    Tlv name = TRY_CONTEXT(read_tlv(reader), "subjectAltName entry");
    if (name.tag == kIpAddress && name.contents == ip) found = true;
  }
  return found;
}

}  // namespace bp
