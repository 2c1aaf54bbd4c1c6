// The backend this build ships: it serves the resources bp-init fetched at
// boot and handed over (lib/agent/boot_resources.h), from locked memory.
//
// It cannot reach the broker or the secure processor: a resource that was
// not fetched at boot, evidence and tokens are refused with an error that
// says so. bp-agent uses it alone when bp-init handed over no broker session
// (tests, images without one); otherwise BrokerBackend (broker_backend.h)
// serves from it first.
#pragma once

#include <vector>

#include "agent/agent_backend.h"
#include "lib/agent/boot_resources.h"

namespace bp {

class BootResourceBackend : public AgentBackend {
 public:
  explicit BootResourceBackend(std::vector<BootResource> resources) : resources_(std::move(resources)) {}

  Result<SecretBytes> get_resource(const ResourcePath &path) override;
  Result<std::string> get_evidence(ByteView report_data) override;
  Result<KbsToken> get_token() override;

  // The resource fetched at boot, or null.
  const SecretBytes *find(const ResourcePath &path) const;
  size_t size() const { return resources_.size(); }

 private:
  // Never modified after construction, so concurrent reads need no lock.
  const std::vector<BootResource> resources_;
};

}  // namespace bp
