// Choosing the attestation provider: configfs-tsm, then /dev/sev-guest, then
// the simulator, which is only a candidate when the (measured) config
// enables it. A config may also name one provider explicitly.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lib/core/log.h"
#include "lib/snp/provider.h"
#include "lib/snp/provider_sim.h"

namespace bp::snp {

enum class ProviderChoice { automatic, tsm, sev_guest, sim };

// "auto", "tsm", "sev-guest", "sim".
Result<ProviderChoice> parse_provider_choice(std::string_view text);

struct ProviderSelection {
  ProviderChoice choice = ProviderChoice::automatic;
  bool sim_enabled = false;
  SimOptions sim;
  // Mount points, replaceable for tests.
  std::string configfs_root = "/sys/kernel/config";
  std::string sysfs_root = "/sys";
  std::string dev_root = "/dev";
};

Result<std::unique_ptr<Provider>> select_provider(const ProviderSelection &selection, const Log &log);

}  // namespace bp::snp
