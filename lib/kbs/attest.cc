#include "lib/kbs/attest.h"

#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/kbs/jwe.h"
#include "lib/kbs/runtime_data.h"
#include "lib/kbs/tee_key.h"
#include "lib/snp/evidence_json.h"

namespace bp::kbs {

const SecretBytes *AttestResult::find(std::string_view name) const {
  for (const NamedSecret &r : resources) {
    if (r.name == name) return &r.value;
  }
  return nullptr;
}

namespace {

Status check_config(const AttestConfig &config) {
  for (size_t i = 0; i < config.resources.size(); ++i) {
    if (config.resources[i].name.empty()) return Error(format("resource %zu has no name", i));
    for (size_t j = 0; j < i; ++j) {
      if (config.resources[j].name == config.resources[i].name) {
        return Error("resource name '" + config.resources[i].name + "' is used twice");
      }
    }
  }
  return {};
}

}  // namespace

Result<AttestedSession> attest_session(KbsClient &client, snp::Provider &provider, Random &random,
                                       uint32_t vmpl, Deadline deadline, const Log &log) {
  std::string nonce = TRY(client.auth(deadline));
  TeeKey key = TRY(TeeKey::generate(random));
  Json jwk = TRY(key.public_jwk());
  ReportData report_data = TRY(report_data_for(nonce, jwk));

  uint64_t evidence_start = monotonic_ms();
  snp::Evidence evidence =
      TRY_CONTEXT(provider.get_report(ByteView(report_data.data(), report_data.size()), vmpl),
                  format("SNP report from %s", provider.name()));
  uint64_t evidence_ms = monotonic_ms() - evidence_start;
  log.info("SNP report from %s in %llu ms (version %u, %zu certificates from the host)", provider.name(),
           static_cast<unsigned long long>(evidence_ms), evidence.report.version,
           evidence.certs.entries.size());

  Json evidence_json = TRY(snp::snp_evidence_json(evidence.report, evidence.certs));
  Json runtime = TRY(runtime_data_json(nonce, jwk));
  SecretBytes token = TRY(client.attest(runtime, evidence_json, deadline));
  log.info("KBS accepted the evidence");
  return AttestedSession{std::move(token), std::move(key), evidence_ms};
}

Result<AttestResult> attest(const AttestConfig &config, snp::Provider &provider, Random &random,
                            const Log &log) {
  uint64_t start = monotonic_ms();
  Deadline deadline = Deadline::after_ms(config.deadline_ms);
  TRY(check_config(config));
  std::unique_ptr<KbsClient> client = TRY(KbsClient::create(config.kbs, random, log));
  AttestResult result;
  AttestedSession session = TRY(attest_session(*client, provider, random, config.vmpl, deadline, log));
  result.counters.evidence_ms = session.evidence_ms;
  result.token = std::move(session.token);
  result.tee_key.emplace(std::move(session.key));
  result.provider = provider.name();
  const TeeKey &key = *result.tee_key;

  for (const ResourceRequest &r : config.resources) {
    Json jwe = TRY(client->resource(r.path, deadline));
    SecretBytes value = TRY_CONTEXT(decrypt_jwe(jwe, key.private_key(), random),
                                    "resource " + r.name + " (" + r.path.to_string() + ")");
    log.info("resource %s: %zu bytes", r.name.c_str(), value.size());
    result.resources.push_back({r.name, std::move(value)});
  }

  KbsStats stats = client->stats();
  result.counters.handshakes = stats.handshakes;
  result.counters.connections = stats.connections;
  result.counters.round_trips = stats.round_trips;
  result.counters.retries = stats.retries;
  result.counters.total_ms = monotonic_ms() - start;
  return result;
}

}  // namespace bp::kbs
