#include "init/boot_secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <vector>

#include "lib/agent/boot_resources.h"
#include "lib/agent/resource_path.h"
#include "lib/core/file_io.h"

namespace bp {
namespace {

const SecretBytes *key_for(const InitConfig &config, const kbs::AttestResult &released, ResourceUse use) {
  for (const ResourceConfig &resource : config.resources) {
    if (resource.use == use) return released.find(resource.name);
  }
  return nullptr;
}

Result<DisksStageResult> open_disks(const InitConfig &config, const kbs::AttestResult &released,
                                    Random &random, const Log &log, const DisksStageOptions &options) {
  const SecretBytes *root_key = key_for(config, released, ResourceUse::root_disk_key);
  const SecretBytes *data_key = key_for(config, released, ResourceUse::data_disk_key);
  if (!root_key) return Error("the broker released no root disk key");
  if (config.data_disk && !data_key) return Error("the broker released no data disk key");
  return run_disks_stage(config, *root_key, data_key, random, log, options);
}

}  // namespace

Result<UniqueFd> agent_secrets_memfd(const InitConfig &config, const kbs::AttestResult &released) {
  std::vector<BootResource> resources;
  for (const ResourceConfig &resource : config.resources) {
    if (resource.use != ResourceUse::workload_secret) continue;
    const SecretBytes *value = released.find(resource.name);
    if (!value) return Error("the broker released no '" + resource.name + "'");
    BootResource item;
    item.path = TRY(parse_resource_path(resource.repository + "/" + resource.type + "/" + resource.tag));
    item.data = TRY(SecretBytes::copy_of(value->view()));
    resources.push_back(std::move(item));
  }
  SecretBytes contents = TRY(serialize_boot_resources(resources));
  UniqueFd fd(memfd_create("bp-agent-resources", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) return Error::from_errno("memfd_create", errno);
  TRY(write_all(fd.get(), contents.view()));
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    return Error::from_errno("sealing the agent's resources", errno);
  }
  return fd;
}

Result<DisksStageResult> run_disks_with_released_keys(const InitConfig &config, kbs::AttestResult &released,
                                                      Random &random, const Log &log,
                                                      const DisksStageOptions &options) {
  Result<DisksStageResult> disks = open_disks(config, released, random, log, options);
  for (kbs::NamedSecret &secret : released.resources) secret.value.wipe();
  released.resources.clear();
  released.token.wipe();
  return disks;
}

}  // namespace bp
