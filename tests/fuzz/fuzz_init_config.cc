// init.json and the kernel command line into an InitConfig
// (init/config_parse.h). Input: the JSON text, a NUL byte, the command line
// (neither may hold a NUL, so the split loses nothing). An accepted config
// must satisfy what the parser promises its callers.
#include <stddef.h>
#include <stdint.h>

#include <string_view>

#include "init/config_parse.h"
#include "lib/core/strings.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input = bp::as_text(data, size);
  size_t nul = input.find('\0');
  std::string_view json = input.substr(0, nul);
  std::string_view cmdline = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  auto parsed = bp::parse_init_config(json, cmdline);
  if (!parsed.ok()) return 0;
  const bp::InitConfig &config = parsed.value();

  FUZZ_CHECK(bp::starts_with(config.broker.url, "https://") ||
             (bp::starts_with(config.broker.url, "http://") && config.broker.allow_plain_http));
  FUZZ_CHECK(config.attestation.provider != bp::ProviderChoice::sim || config.attestation.allow_sim);
  FUZZ_CHECK(!config.resources.empty() && config.resources.size() <= 64);
  size_t root_keys = 0, data_keys = 0;
  for (const bp::ResourceConfig &resource : config.resources) {
    for (const std::string *part : {&resource.name, &resource.repository, &resource.type, &resource.tag}) {
      FUZZ_CHECK(!part->empty() && part->find_first_of("/\"\\ ") == std::string::npos && *part != "..");
    }
    root_keys += resource.use == bp::ResourceUse::root_disk_key;
    data_keys += resource.use == bp::ResourceUse::data_disk_key;
  }
  FUZZ_CHECK(root_keys == 1 && data_keys == (config.data_disk ? 1u : 0u));

  const bp::VerityConfig &verity = config.root_disk.verity;
  FUZZ_CHECK(verity.root_hash.size() == 64 && verity.salt.size() % 2 == 0 && verity.salt.size() <= 512);
  FUZZ_CHECK(verity.data_blocks > 0 && verity.data_block_size >= 512 && verity.hash_block_size >= 512);
  FUZZ_CHECK((verity.data_block_size & (verity.data_block_size - 1)) == 0);
  FUZZ_CHECK((verity.hash_block_size & (verity.hash_block_size - 1)) == 0);
  FUZZ_CHECK(verity.hash_offset % verity.hash_block_size == 0);
  FUZZ_CHECK(verity.hash_offset / verity.data_block_size >= verity.data_blocks);
  if (config.data_disk) {
    FUZZ_CHECK(bp::starts_with(config.data_disk->mount_point, "/"));
    FUZZ_CHECK(config.data_disk->mount_point.find("..") == std::string::npos);
  }
  FUZZ_CHECK(!config.workload.bundle.empty() && config.workload.bundle[0] != '/' &&
             config.workload.bundle.find("..") == std::string::npos);
  return 0;
}
