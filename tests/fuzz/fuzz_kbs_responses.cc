// The Trustee KBS responses the client reads from the broker (lib/kbs/protocol.h):
// the auth challenge, the attest response (token) and an error body, each
// from the same input after parse_json with the client's limits, and the
// kbs:/// resource URIs of the configuration.
#include <stddef.h>
#include <stdint.h>

#include "lib/json/json_parse.h"
#include "lib/kbs/protocol.h"
#include "tests/fuzz/fuzz_support.h"

namespace kbs = bp::kbs;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text = bp::as_text(data, size);
  kbs::BrokerError error = kbs::parse_error_body(bp::ByteView(data, size));
  // Shown in log lines: printable, whatever the broker sent.
  for (char c : error.describe()) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20);

  auto uri = kbs::parse_resource_uri(text);
  if (uri.ok()) FUZZ_CHECK("kbs:///" + uri.value().to_string() == text);

  auto body = bp::parse_json(text, size_t{64} * 1024, 32);
  if (!body.ok()) return 0;
  auto nonce = kbs::parse_challenge(body.value());
  if (nonce.ok()) FUZZ_CHECK(!nonce.value().empty() && nonce.value().size() <= 1024);
  auto token = kbs::parse_attest_response(body.value());
  if (token.ok()) FUZZ_CHECK(!token.value().empty() && token.value().size() <= size_t{64} * 1024);
  return 0;
}
