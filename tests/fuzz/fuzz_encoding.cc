// hex, base64 and base64url decoding of the whole input. The decoders are
// strict, so whatever they accept is the canonical encoding of what they
// return: encoding the result gives the input back (hex modulo case,
// base64url modulo its optional padding). And any bytes survive an
// encode/decode round trip.
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>

#include <string>

#include "lib/core/encoding.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char &c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text = bp::as_text(data, size);
  bp::ByteView bytes(data, size);

  auto hex = bp::hex_decode(text);
  if (hex.ok()) {
    FUZZ_CHECK(hex.value().size() * 2 == size);
    FUZZ_CHECK(bp::hex_encode(hex.value()) == lower(text));
  }
  auto base64 = bp::base64_decode(text);
  if (base64.ok()) FUZZ_CHECK(bp::base64_encode(base64.value()) == text);
  auto base64url = bp::base64url_decode(text);
  if (base64url.ok()) {
    // npos + 1 is 0: an all-'=' text has an empty body.
    std::string_view unpadded = text.substr(0, text.find_last_not_of('=') + 1);
    FUZZ_CHECK(bp::base64url_encode(base64url.value()) == unpadded);
  }

  auto hex_back = bp::hex_decode(bp::hex_encode(bytes));
  FUZZ_CHECK(hex_back.ok() && bp::ByteView(hex_back.value()) == bytes);
  auto base64_back = bp::base64_decode(bp::base64_encode(bytes));
  FUZZ_CHECK(base64_back.ok() && bp::ByteView(base64_back.value()) == bytes);
  auto base64url_back = bp::base64url_decode(bp::base64url_encode(bytes));
  FUZZ_CHECK(base64url_back.ok() && bp::ByteView(base64url_back.value()) == bytes);
  return 0;
}
