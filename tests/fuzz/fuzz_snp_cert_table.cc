// The certificate table the host attaches to an extended report
// (parse_cert_table), then each entry's data as a certificate, as the
// verifier of the evidence reads them. An accepted table's entries are
// non-empty, distinct and within the limits, and build_cert_table accepts
// them again and gives a table that parses to the same entries.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/x509.h"
#include "lib/snp/cert_table.h"
#include "tests/fuzz/fuzz_support.h"

namespace snp = bp::snp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto table = snp::parse_cert_table(bp::ByteView(data, size));
  if (!table.ok()) return 0;
  const auto &entries = table.value().entries;
  FUZZ_CHECK(entries.size() <= snp::kCertTableMaxEntries && size <= snp::kCertTableMaxSize);
  for (size_t i = 0; i < entries.size(); ++i) {
    FUZZ_CHECK(!entries[i].data.empty());
    for (size_t j = 0; j < i; ++j) FUZZ_CHECK(entries[i].guid != entries[j].guid);
    (void)snp::cert_kind_name(entries[i].kind());
    auto guid = snp::Guid::parse(entries[i].guid.to_string());
    FUZZ_CHECK(guid.ok() && guid.value() == entries[i].guid);
    (void)bp::Certificate::parse_der(entries[i].data);
  }
  auto built = snp::build_cert_table(table.value());
  FUZZ_CHECK(built.ok());
  auto again = snp::parse_cert_table(built.value());
  FUZZ_CHECK(again.ok() && again.value().entries.size() == entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    FUZZ_CHECK(again.value().entries[i].guid == entries[i].guid);
    FUZZ_CHECK(again.value().entries[i].data == entries[i].data);
  }
  return 0;
}
