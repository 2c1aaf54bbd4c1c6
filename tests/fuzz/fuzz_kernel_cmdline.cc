// The kernel command line as bp-init splits it (init/kernel_cmdline.h).
// Besides not crashing: quotes never survive into a key or value, a key
// never holds '=', and a bare flag has no value.
#include <stddef.h>
#include <stdint.h>

#include "init/kernel_cmdline.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto params = bp::parse_kernel_cmdline(bp::as_text(data, size));
  if (!params.ok()) return 0;
  FUZZ_CHECK(size <= 4096);
  for (const bp::KernelParam &param : params.value()) {
    FUZZ_CHECK(param.key.find_first_of("\"=") == std::string::npos);
    FUZZ_CHECK(param.value.find('"') == std::string::npos);
    FUZZ_CHECK(param.has_value || param.value.empty());
    FUZZ_CHECK(param.key.find('\0') == std::string::npos && param.value.find('\0') == std::string::npos);
    FUZZ_CHECK(param.key != "--" || param.has_value);
  }
  return 0;
}
