// An OCI linux.seccomp object (parse_seccomp_profile) after parse_json
// with the limits load_seccomp_profile uses, then compiled to BPF as the
// handover does (compile_seccomp over libseccomp). An accepted profile
// compiles or fails with an error, never a crash.
#include <stddef.h>
#include <stdint.h>

#include "lib/json/json_parse.h"
#include "lib/seccomp/compile.h"
#include "lib/seccomp/profile_json.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto json = bp::parse_json(bp::as_text(data, size), bp::kMaxSeccompProfileBytes, 8);
  if (!json.ok()) return 0;
  auto profile = bp::parse_seccomp_profile(json.value());
  if (!profile.ok()) return 0;
  auto filter = bp::compile_seccomp(profile.value());
  if (filter.ok()) FUZZ_CHECK(!filter.value().program.empty());
  return 0;
}
