#include "agent/broker_backend.h"

#include <errno.h>
#include <time.h>

#include <algorithm>

#include "lib/core/format.h"
#include "lib/crypto/random.h"
#include "lib/json/json_write.h"
#include "lib/kbs/attest.h"
#include "lib/kbs/jwe.h"
#include "lib/kbs/token_expiry.h"
#include "lib/snp/evidence_json.h"

namespace bp {

// One token and the key it is bound to. Shared by requests through
// CredentialsRef; counted by hand under state_mutex_ (std::shared_ptr's
// count is not reliably atomic in a static musl binary, see thread.h).
struct BrokerBackend::Credentials {
  SecretBytes token;
  kbs::TeeKey key;
  std::optional<int64_t> expires_at;
  uint64_t generation = 0;
  size_t users = 0;
};

class BrokerBackend::CredentialsRef {
 public:
  CredentialsRef(BrokerBackend *owner, Credentials *credentials) : owner_(owner), credentials_(credentials) {}
  CredentialsRef(CredentialsRef &&other) noexcept : owner_(other.owner_), credentials_(other.credentials_) {
    other.credentials_ = nullptr;
  }
  CredentialsRef &operator=(CredentialsRef &&other) noexcept {
    if (this != &other) {
      reset();
      owner_ = other.owner_;
      credentials_ = other.credentials_;
      other.credentials_ = nullptr;
    }
    return *this;
  }
  CredentialsRef(const CredentialsRef &) = delete;
  CredentialsRef &operator=(const CredentialsRef &) = delete;
  ~CredentialsRef() { reset(); }

  const Credentials &operator*() const { return *credentials_; }
  const Credentials *operator->() const { return credentials_; }

 private:
  void reset() {
    if (credentials_) owner_->release(credentials_);
    credentials_ = nullptr;
  }
  BrokerBackend *owner_;
  Credentials *credentials_;
};

struct BrokerBackend::Connection {
  Random random;
  std::unique_ptr<kbs::KbsClient> client;
};

// The provider is not thread-safe (the sim port carries one exchange at a
// time, configfs-tsm entries are per request): one report at a time.
class BrokerBackend::LockedProvider : public snp::Provider {
 public:
  explicit LockedProvider(std::unique_ptr<snp::Provider> inner) : inner_(std::move(inner)) {}
  const char *name() const override { return inner_->name(); }
  Result<snp::Evidence> get_report(ByteView report_data, uint32_t vmpl) override {
    MutexLock lock(mutex_);
    return inner_->get_report(report_data, vmpl);
  }

 private:
  Mutex mutex_;
  std::unique_ptr<snp::Provider> inner_;
};

namespace {

int64_t system_seconds() { return static_cast<int64_t>(time(nullptr)); }

// Counts a broker call in flight for its scope.
class InFlight {
 public:
  explicit InFlight(std::atomic<size_t> &counter) : counter_(counter) { count_ = ++counter_; }
  ~InFlight() { --counter_; }
  size_t count() const { return count_; }

 private:
  std::atomic<size_t> &counter_;
  size_t count_;
};

Result<std::optional<int64_t>> expiry_of(const SecretBytes &token, const Log &log) {
  auto expiry = kbs::token_expiry(token.view());
  if (!expiry.ok()) {
    // Not fatal: the broker's 401 still triggers a new attestation.
    log.warning("the token's expiry is unknown (%s); re-attesting when the broker refuses it",
                expiry.error().message().c_str());
    return std::optional<int64_t>();
  }
  return expiry.release_value();
}

}  // namespace

BrokerBackend::BrokerBackend(BrokerBackendConfig config, std::vector<BootResource> boot_resources,
                             std::unique_ptr<snp::Provider> provider, Log log)
    : config_(std::move(config)),
      boot_(std::move(boot_resources)),
      provider_(std::make_unique<LockedProvider>(std::move(provider))),
      log_(std::move(log)) {}

BrokerBackend::~BrokerBackend() {
  // No request runs any more (the HTTP server is stopped first).
  delete credentials_;
  for (Credentials *c : retired_) delete c;
}

Result<std::unique_ptr<BrokerBackend>> BrokerBackend::create(BrokerBackendConfig config,
                                                             std::vector<BootResource> boot_resources,
                                                             SecretBytes token, kbs::TeeKey key,
                                                             std::unique_ptr<snp::Provider> provider,
                                                             Log log) {
  if (!provider) return Error("the broker backend needs an attestation provider");
  if (token.empty()) return Error("the broker backend needs the boot's token");
  if (!config.wall_clock) config.wall_clock = system_seconds;
  // A URL the client refuses is refused now, not at the first request.
  {
    Random random = TRY(Random::create(ByteView::of_string("bp-agent check")));
    TRY_CONTEXT(kbs::KbsClient::create(config.kbs, random, log), "broker session");
  }
  std::optional<int64_t> expires_at = TRY(expiry_of(token, log));
  std::unique_ptr<BrokerBackend> backend(
      new BrokerBackend(std::move(config), std::move(boot_resources), std::move(provider), std::move(log)));
  backend->credentials_ = new Credentials{std::move(token), std::move(key), expires_at, 0, 0};
  return backend;
}

BrokerBackendStats BrokerBackend::stats() {
  MutexLock lock(state_mutex_);
  return stats_;
}

BrokerBackend::CredentialsRef BrokerBackend::current() {
  MutexLock lock(state_mutex_);
  ++credentials_->users;
  return CredentialsRef(this, credentials_);
}

void BrokerBackend::release(Credentials *credentials) {
  MutexLock lock(state_mutex_);
  if (--credentials->users != 0 || credentials == credentials_) return;
  retired_.erase(std::remove(retired_.begin(), retired_.end(), credentials), retired_.end());
  delete credentials;  // its SecretBytes and key are zeroed
}

bool BrokerBackend::expiring(const Credentials &credentials) const {
  return credentials.expires_at && config_.wall_clock() + config_.expiry_margin_s >= *credentials.expires_at;
}

Result<BrokerBackend::CredentialsRef> BrokerBackend::reattest(uint64_t stale_generation) {
  MutexLock one_at_a_time(attest_mutex_);
  {
    CredentialsRef now = current();
    if (now->generation != stale_generation) return now;  // another request attested meanwhile
  }
  Deadline deadline = Deadline::after_ms(config_.request_timeout_ms);
  // Over a pooled connection: a TLS handshake saved, and a broker that
  // serves one connection at a time is not blocked by our idle one.
  std::unique_ptr<Connection> connection = TRY(take_connection());
  Result<kbs::AttestedSession> attested =
      kbs::attest_session(*connection->client, *provider_, connection->random, config_.vmpl, deadline, log_);
  int status = connection->client->last_status();
  // Later requests on this connection present the token alone, as bp-init's do.
  connection->client->clear_session();
  if (status != 0) give_back(std::move(connection));
  kbs::AttestedSession session = TRY_CONTEXT(std::move(attested), "attesting again for a new token");
  std::optional<int64_t> expires_at = TRY(expiry_of(session.token, log_));
  MutexLock lock(state_mutex_);
  auto *fresh =
      new Credentials{std::move(session.token), std::move(session.key), expires_at, stale_generation + 1, 1};
  Credentials *old = credentials_;
  credentials_ = fresh;
  if (old->users == 0) {
    delete old;
  } else {
    retired_.push_back(old);
  }
  ++stats_.attestations;
  log_.info("new attestation token (attestation %u since the start)", stats_.attestations);
  return CredentialsRef(this, fresh);
}

Result<std::unique_ptr<BrokerBackend::Connection>> BrokerBackend::take_connection() {
  {
    MutexLock lock(state_mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++stats_.connections_opened;
  }
  // Each connection has its own generator: Random is not thread-safe.
  auto connection = std::make_unique<Connection>(
      Connection{TRY(Random::create(ByteView::of_string("bp-agent broker connection"))), nullptr});
  connection->client = TRY(kbs::KbsClient::create(config_.kbs, connection->random, log_));
  return connection;
}

void BrokerBackend::give_back(std::unique_ptr<Connection> connection) {
  MutexLock lock(state_mutex_);
  if (idle_.size() < config_.max_idle_connections) idle_.push_back(std::move(connection));
}

Result<SecretBytes> BrokerBackend::fetch(const ResourcePath &path) {
  kbs::ResourcePath target = TRY(kbs::make_resource_path(path.repository, path.type, path.tag));
  CredentialsRef credentials = current();
  if (expiring(*credentials)) {
    log_.info("the token expires within %lld s: attesting again",
              static_cast<long long>(config_.expiry_margin_s));
    credentials = TRY(reattest(credentials->generation));
  }
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> connection = TRY(take_connection());
    TRY(connection->client->set_token(credentials->token.view()));
    Result<Json> jwe = connection->client->resource(target, Deadline::after_ms(config_.request_timeout_ms));
    int status = connection->client->last_status();
    if (jwe.ok()) {
      Result<SecretBytes> plain =
          kbs::decrypt_jwe(jwe.value(), credentials->key.private_key(), connection->random);
      give_back(std::move(connection));
      return TRY_CONTEXT(std::move(plain), "the broker's answer");
    }
    // A connection the broker answered on stays usable; a failed one is dropped.
    if (status != 0) give_back(std::move(connection));
    if (status == 401 && attempt == 0) {
      log_.info("the broker refused the token (401): attesting again");
      credentials = TRY(reattest(credentials->generation));
      continue;
    }
    return jwe.error();
  }
}

Result<SecretBytes> BrokerBackend::get_resource(const ResourcePath &path) {
  if (const SecretBytes *data = boot_.find(path)) {
    {
      MutexLock lock(state_mutex_);
      ++stats_.boot_hits;
    }
    return SecretBytes::copy_of(data->view());
  }
  InFlight slot(in_flight_);
  if (slot.count() > config_.max_broker_calls)
    return Error(format("%zu requests to the broker are in flight already (at most %zu); try again",
                        slot.count() - 1, config_.max_broker_calls),
                 EBUSY);
  {
    MutexLock lock(state_mutex_);
    ++stats_.broker_fetches;
  }
  return TRY_CONTEXT(fetch(path), path.uri() + " from the broker");
}

Result<std::string> BrokerBackend::get_evidence(ByteView report_data) {
  snp::Evidence evidence = TRY_CONTEXT(provider_->get_report(report_data, config_.vmpl),
                                       format("SNP report from %s", provider_->name()));
  Json json = TRY(snp::snp_evidence_json(evidence.report, evidence.certs));
  return json_compact(json);
}

Result<KbsToken> BrokerBackend::get_token() {
  CredentialsRef credentials = current();
  if (expiring(*credentials)) {
    InFlight slot(in_flight_);
    if (slot.count() > config_.max_broker_calls)
      return Error(format("%zu requests to the broker are in flight already; try again", slot.count() - 1),
                   EBUSY);
    credentials = TRY(reattest(credentials->generation));
  }
  KbsToken out;
  out.token = std::string(credentials->token.view().as_string_view());
  out.tee_keypair_pem = TRY(credentials->key.private_key_pem());
  return out;
}

}  // namespace bp
