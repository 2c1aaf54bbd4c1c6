#include "lib/snp/provider_select.h"

#include <sys/stat.h>

#include "lib/core/format.h"
#include "lib/snp/provider_sev_guest.h"
#include "lib/snp/provider_tsm.h"

namespace bp::snp {

namespace {

Result<std::unique_ptr<Provider>> open_choice(ProviderChoice choice, const ProviderSelection &s) {
  switch (choice) {
    case ProviderChoice::tsm:
      return std::unique_ptr<Provider>(std::make_unique<TsmProvider>(s.configfs_root));
    case ProviderChoice::sev_guest:
      return std::unique_ptr<Provider>(TRY(SevGuestProvider::open(s.dev_root + "/sev-guest")));
    case ProviderChoice::sim:
      if (!s.sim_enabled) return Error("the sim provider is not enabled by the config");
      return std::unique_ptr<Provider>(TRY(SimProvider::open(s.sim, s.sysfs_root, s.dev_root)));
    case ProviderChoice::automatic:
      break;
  }
  return Error("no provider chosen");
}

}  // namespace

Result<ProviderChoice> parse_provider_choice(std::string_view text) {
  if (text == "auto") return ProviderChoice::automatic;
  if (text == "tsm") return ProviderChoice::tsm;
  if (text == "sev-guest") return ProviderChoice::sev_guest;
  if (text == "sim") return ProviderChoice::sim;
  return Error(format("unknown attestation provider '%.40s' (expected auto, tsm, sev-guest or sim)",
                      std::string(text).c_str()));
}

Result<std::unique_ptr<Provider>> select_provider(const ProviderSelection &s, const Log &log) {
  ProviderChoice choice = s.choice;
  if (choice == ProviderChoice::automatic) {
    struct stat st;
    if (TsmProvider::usable(s.configfs_root)) {
      choice = ProviderChoice::tsm;
    } else if (stat((s.dev_root + "/sev-guest").c_str(), &st) == 0) {
      choice = ProviderChoice::sev_guest;
    } else if (s.sim_enabled) {
      choice = ProviderChoice::sim;
    } else {
      return Error("no SNP attestation provider: configfs-tsm refuses reports, there is no " + s.dev_root +
                   "/sev-guest, and sim is not enabled");
    }
  }
  std::unique_ptr<Provider> provider = TRY(open_choice(choice, s));
  log.info("attestation provider: %s%s", provider->name(),
           s.choice == ProviderChoice::automatic ? " (detected)" : "");
  return provider;
}

}  // namespace bp::snp
