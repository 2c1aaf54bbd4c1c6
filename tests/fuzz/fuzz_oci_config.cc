// A bundle's config.json (parse_runtime_spec), after parse_json with the
// limits load_runtime_spec uses. The bundle comes with the workload image,
// from the (encrypted, verity-checked) disk, but the parser is strict and
// must hold up whatever the file says. An accepted spec has its process
// arguments and a root path.
#include <stddef.h>
#include <stdint.h>

#include "lib/json/json_parse.h"
#include "lib/oci/spec_json.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto json = bp::parse_json(bp::as_text(data, size), bp::kMaxRuntimeSpecBytes, 16);
  if (!json.ok()) return 0;
  auto spec = bp::parse_runtime_spec(json.value());
  if (!spec.ok()) return 0;
  FUZZ_CHECK(!spec.value().root_path.empty());
  return 0;
}
