#include "init/boot_secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <algorithm>
#include <vector>

#include "lib/agent/boot_resources.h"
#include "lib/agent/resource_path.h"
#include "lib/core/file_io.h"

namespace bp {
namespace {

// How long bp-agent works on one workload request to the broker (the boot's
// deadline_ms if shorter): a workload waits that long at most.
constexpr uint32_t kAgentBrokerTimeoutMs = 30000;

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
  BootHandover handover;
  for (const ResourceConfig &resource : config.resources) {
    if (resource.use != ResourceUse::workload_secret) continue;
    const SecretBytes *value = released.find(resource.name);
    if (!value) return Error("the broker released no '" + resource.name + "'");
    BootResource item;
    item.path = TRY(parse_resource_path(resource.repository + "/" + resource.type + "/" + resource.tag));
    item.data = TRY(SecretBytes::copy_of(value->view()));
    handover.resources.push_back(std::move(item));
  }
  if (!released.tee_key) return Error("the attestation kept no TEE key");
  BrokerHandover broker;
  broker.url = config.broker.url;
  if (!config.broker.ca_cert.empty())
    broker.ca_pem = TRY(read_text_file(config.broker.ca_cert, kMaxBrokerCaSize));
  broker.allow_plain_http = config.broker.allow_plain_http;
  broker.provider = released.provider;
  broker.request_timeout_ms = std::min(config.broker.deadline_ms, kAgentBrokerTimeoutMs);
  broker.token = TRY(SecretBytes::copy_of(released.token.view()));
  broker.tee_key = TRY(released.tee_key->export_scalar());
  handover.broker = std::move(broker);
  SecretBytes contents = TRY(serialize_boot_handover(handover));
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
  released.tee_key.reset();
  return disks;
}

}  // namespace bp
