// The LUKS2 JSON metadata on its own (check_luks2_metadata against a 16 KiB
// header and a 64 MiB device), so mutations of the JSON text do not have to
// survive the binary header's checks first. Every problem is reported, and
// metadata is returned exactly when there are none.
#include <stddef.h>
#include <stdint.h>

#include <string>

#include "lib/luks2/metadata_parser.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string json(bp::as_text(data, size));
  bp::Luks2MetadataCheck check = bp::check_luks2_metadata(json, uint64_t{16} * 1024, uint64_t{64} << 20);
  FUZZ_CHECK(check.metadata.has_value() == check.problems.empty());
  for (const std::string &problem : check.problems) FUZZ_CHECK(!problem.empty());
  if (check.metadata) {
    FUZZ_CHECK(!check.metadata->keyslots.empty() && check.metadata->keyslots.size() <= 32);
    FUZZ_CHECK(check.metadata->volume_key_size() > 0);
  }
  return 0;
}
