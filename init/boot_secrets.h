// What bp-init does with the secrets the broker released: the workload
// secrets go to the agent in a sealed memfd, the disk keys to the disks
// stage, and after that stage (whether it worked or failed at any step) the
// process holds no copy of any of them.
#pragma once

#include "init/config.h"
#include "init/disks.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/core/unique_fd.h"
#include "lib/crypto/random.h"
#include "lib/kbs/attest.h"

namespace bp {

// The workload secrets for the agent and the broker session (the token, the
// TEE key it is bound to, how to reach the broker and which provider
// attested, so the agent can fetch further resources and re-attest), in a
// sealed memfd it inherits: they stay in memory and never become a file.
Result<UniqueFd> agent_secrets_memfd(const InitConfig &config, const kbs::AttestResult &released);

// Opens the disks with the released disk keys, then wipes every secret in
// released (the resources, the token and the TEE key): the kernel holds the volume keys
// now and the agent's memfd the workload secrets, so nothing is left here on
// any return.
Result<DisksStageResult> run_disks_with_released_keys(const InitConfig &config, kbs::AttestResult &released,
                                                      Random &random, const Log &log,
                                                      const DisksStageOptions &options = DisksStageOptions());

}  // namespace bp
