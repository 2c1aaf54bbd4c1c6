// The raw-extension reader on its own (parse_certificate_extensions): the
// input is a TBSCertificate, so mutations reach it without first passing
// mbedtls' certificate parser and its signature fields. Every extension it
// returns must point into the input and have a distinct OID.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/x509_extensions.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto extensions = bp::parse_certificate_extensions(input);
  if (!extensions.ok()) return 0;
  const auto &list = extensions.value();
  for (size_t i = 0; i < list.size(); ++i) {
    FUZZ_CHECK(!list[i].oid.empty());
    FUZZ_CHECK(list[i].value.empty() ||
               (list[i].value.begin() >= input.begin() && list[i].value.end() <= input.end()));
    for (size_t j = 0; j < i; ++j) FUZZ_CHECK(list[i].oid != list[j].oid);
  }
  return 0;
}
