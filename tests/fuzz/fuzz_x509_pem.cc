// A PEM certificate file or bundle (pem_decode_certificates, then
// Certificate::parse_pem), and each certificate checked against the next
// one as its issuer, as a chain file (AMD's ASK then ARK) is used.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/pem.h"
#include "lib/crypto/x509.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text = bp::as_text(data, size);
  auto ders = bp::pem_decode_certificates(text);
  auto certificates = bp::Certificate::parse_pem(text);
  FUZZ_CHECK(ders.ok() || !certificates.ok());
  if (!ders.ok()) return 0;
  for (const bp::Bytes &der : ders.value()) FUZZ_CHECK(!der.empty());
  if (!certificates.ok()) return 0;
  const std::vector<bp::Certificate> &chain = certificates.value();
  FUZZ_CHECK(chain.size() == ders.value().size());
  for (size_t i = 0; i < chain.size(); ++i) {
    FUZZ_CHECK(chain[i].der() == bp::ByteView(ders.value()[i]));
    if (i + 1 < chain.size()) (void)chain[i].verify_signed_by(chain[i + 1]);
  }
  return 0;
}
