#include "agent/boot_resource_backend.h"

namespace bp {

Result<SecretBytes> BootResourceBackend::get_resource(const ResourcePath &path) {
  for (const BootResource &r : resources_) {
    if (r.path == path) return SecretBytes::copy_of(r.data.view());
  }
  return Error(path.uri() +
               " was not fetched at boot, and this build of bp-agent has no broker client to fetch it now");
}

Result<std::string> BootResourceBackend::get_evidence(ByteView) {
  return Error("evidence is not available: this build of bp-agent has no attestation provider");
}

Result<KbsToken> BootResourceBackend::get_token() {
  return Error("tokens are not available: this build of bp-agent has no broker client");
}

}  // namespace bp
