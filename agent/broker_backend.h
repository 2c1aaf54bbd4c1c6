// The workload API's backend when bp-init handed over a broker session
// (lib/agent/boot_resources.h): resources fetched at boot are served from
// locked memory; any other resource is fetched from the key broker with the
// boot's token (KBS 0.4.0: "Authorization: Bearer", the answer a JWE to the
// TEE key); evidence is a fresh report from the provider that attested at
// boot; /aa/token hands out the token and the TEE key as a PEM.
//
// The token is cached and shared by all requests; it is replaced by a new
// attestation (new TEE key, new token) when its "exp" is within the margin,
// or once when the broker answers 401. Concurrent requests needing a new
// token wait for one attestation rather than each making their own.
// Resources fetched now are NOT cached: the broker's policy decides every
// fetch (as Confidential Containers' CDH does), and the agent holds no
// secret longer than the request.
//
// Threads: any number of HTTP workers call in at once. Broker fetches run in
// parallel over a small pool of kept-alive connections; at most
// max_broker_calls at a time, more are refused at once (EBUSY, 503) so the
// HTTP workers left keep serving the boot resources, evidence and tokens.
#pragma once

#include <stdint.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "agent/agent_backend.h"
#include "agent/boot_resource_backend.h"
#include "lib/core/log.h"
#include "lib/core/thread.h"
#include "lib/kbs/client.h"
#include "lib/kbs/tee_key.h"
#include "lib/snp/provider.h"

namespace bp {

struct BrokerBackendConfig {
  kbs::KbsClientConfig kbs;
  uint64_t request_timeout_ms = 15000;  // one workload request's broker work, retries included
  uint32_t vmpl = 0;
  size_t max_broker_calls = 16;
  size_t max_idle_connections = 4;
  int64_t expiry_margin_s = 30;  // re-attest this long before the token's "exp"
  // Seconds since the epoch (tests move time).
  std::function<int64_t()> wall_clock;
};

struct BrokerBackendStats {
  uint32_t attestations = 0;  // re-attestations since the start (bp-init's is not counted)
  uint32_t broker_fetches = 0;
  uint32_t boot_hits = 0;
  uint32_t connections_opened = 0;
};

class BrokerBackend : public AgentBackend {
 public:
  static Result<std::unique_ptr<BrokerBackend>> create(BrokerBackendConfig config,
                                                       std::vector<BootResource> boot_resources,
                                                       SecretBytes token, kbs::TeeKey key,
                                                       std::unique_ptr<snp::Provider> provider, Log log);
  ~BrokerBackend() override;

  Result<SecretBytes> get_resource(const ResourcePath &path) override;
  Result<std::string> get_evidence(ByteView report_data) override;
  Result<KbsToken> get_token() override;

  BrokerBackendStats stats();

 private:
  struct Credentials;
  class CredentialsRef;
  struct Connection;
  class LockedProvider;

  BrokerBackend(BrokerBackendConfig config, std::vector<BootResource> boot_resources,
                std::unique_ptr<snp::Provider> provider, Log log);

  CredentialsRef current();
  // A fresh attestation unless another thread already replaced `stale`.
  Result<CredentialsRef> reattest(uint64_t stale_generation);
  bool expiring(const Credentials &credentials) const;
  void release(Credentials *credentials);

  Result<std::unique_ptr<Connection>> take_connection();
  void give_back(std::unique_ptr<Connection> connection);
  Result<SecretBytes> fetch(const ResourcePath &path);

  const BrokerBackendConfig config_;
  BootResourceBackend boot_;
  std::unique_ptr<LockedProvider> provider_;
  const Log log_;
  std::atomic<size_t> in_flight_{0};

  Mutex state_mutex_;  // credentials_, retired_, idle_, stats_
  Credentials *credentials_ = nullptr;
  std::vector<Credentials *> retired_;  // replaced, still used by a request
  std::vector<std::unique_ptr<Connection>> idle_;
  BrokerBackendStats stats_;

  Mutex attest_mutex_;  // one attestation at a time
};

}  // namespace bp
