#include "agent/boot_resource_backend.h"

namespace bp {

const SecretBytes *BootResourceBackend::find(const ResourcePath &path) const {
  for (const BootResource &r : resources_) {
    if (r.path == path) return &r.data;
  }
  return nullptr;
}

Result<SecretBytes> BootResourceBackend::get_resource(const ResourcePath &path) {
  if (const SecretBytes *data = find(path)) return SecretBytes::copy_of(data->view());
  return Error(path.uri() +
               " was not fetched at boot, and bp-init handed over no broker session to fetch it now");
}

Result<std::string> BootResourceBackend::get_evidence(ByteView) {
  return Error(
      "evidence is not available: bp-init handed over no broker session (and with it no attestation "
      "provider)");
}

Result<KbsToken> BootResourceBackend::get_token() {
  return Error("tokens are not available: bp-init handed over no broker session");
}

}  // namespace bp
