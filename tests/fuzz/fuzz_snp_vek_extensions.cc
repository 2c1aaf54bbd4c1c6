// AMD's extensions of a VCEK or VLEK certificate (parse_vek_extensions),
// which a verifier compares with the report: the certificate as the cert
// table or the evidence carries it (DER), parsed first. An accepted set has
// a product name and, for a VCEK, a hwID of a CHIP_ID's size.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/x509.h"
#include "lib/snp/vek_extensions.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto certificate = bp::Certificate::parse_der(bp::ByteView(data, size));
  if (!certificate.ok()) return 0;
  auto extensions = bp::snp::parse_vek_extensions(certificate.value());
  if (!extensions.ok()) return 0;
  FUZZ_CHECK(!extensions.value().product_name.empty());
  (void)bp::snp::product_name_family(extensions.value().product_name);
  if (extensions.value().hwid)
    FUZZ_CHECK(extensions.value().hwid->size() == 64 || extensions.value().hwid->size() == 8);
  return 0;
}
