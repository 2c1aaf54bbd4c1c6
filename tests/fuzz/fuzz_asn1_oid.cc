// OBJECT IDENTIFIER contents to dotted text (oid_to_string). The decoder
// rejects non-minimal encodings, so an accepted input is the only encoding
// of its text: re-encoding the text here must give the input back.
#include <stddef.h>
#include <stdint.h>

#include <string>

#include "lib/core/strings.h"
#include "lib/crypto/asn1_oid.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void append_arc(uint64_t value, bp::Bytes *out) {
  uint8_t groups[10];
  size_t n = 0;
  do {
    groups[n++] = value & 0x7f;
    value >>= 7;
  } while (value != 0);
  while (n > 1) out->push_back(groups[--n] | 0x80);
  out->push_back(groups[0]);
}

bp::Bytes encode(const std::string &text) {
  std::vector<uint64_t> arcs;
  for (std::string_view part : bp::split(text, '.')) {
    auto arc = bp::parse_u64(part);
    FUZZ_CHECK(arc.ok());
    arcs.push_back(arc.value());
  }
  FUZZ_CHECK(arcs.size() >= 2 && arcs[0] <= 2 && (arcs[0] == 2 || arcs[1] < 40));
  bp::Bytes out;
  append_arc(arcs[0] * 40 + arcs[1], &out);
  for (size_t i = 2; i < arcs.size(); ++i) append_arc(arcs[i], &out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto text = bp::oid_to_string(bp::ByteView(data, size));
  if (!text.ok()) return 0;
  FUZZ_CHECK(bp::ByteView(encode(text.value())) == bp::ByteView(data, size));
  return 0;
}
