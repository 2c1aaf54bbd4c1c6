// The reference for bench/agent.bench (not part of the product): what a
// workload would do without bp-agent, i.e. fetch a resource straight from
// the broker with the bearer token and decrypt the JWE with the TEE key.
// N client threads, each with its own kept-alive (TLS) connection, for a
// fixed time; the token and key come from a handover file written by
// `bench/attest --handover`.
// Prints: requests errors seconds p50_us p99_us (as agent_load does)
//
// usage: broker_fetch HANDOVER_FILE REPO/TYPE/TAG CLIENTS SECONDS
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "lib/agent/boot_resources.h"
#include "lib/core/clock.h"
#include "lib/core/thread.h"
#include "lib/kbs/client.h"
#include "lib/kbs/jwe.h"
#include "lib/kbs/tee_key.h"

namespace {

struct Worker {
  std::vector<uint64_t> latencies_us;
  long errors = 0;
};

void run_worker(const bp::BrokerHandover &session, const bp::kbs::ResourcePath &path, uint64_t end_ms,
                Worker &out) {
  bp::Log log("broker-fetch", bp::Log::Sinks{2, -1, bp::LogLevel::error});
  auto random = bp::Random::create();
  auto key = bp::kbs::TeeKey::from_scalar(session.tee_key.view());
  if (!random.ok() || !key.ok()) {
    ++out.errors;
    return;
  }
  bp::kbs::KbsClientConfig config;
  config.url = session.url;
  config.ca_pem = session.ca_pem;
  config.allow_plain_http = session.allow_plain_http;
  auto client = bp::kbs::KbsClient::create(config, random.value(), log);
  if (!client.ok() || !client.value()->set_token(session.token.view()).ok()) {
    ++out.errors;
    return;
  }
  while (bp::monotonic_ms() < end_ms) {
    uint64_t start = bp::monotonic_us();
    auto jwe = client.value()->resource(path, bp::Deadline::after_ms(10000));
    bool ok = jwe.ok() && bp::kbs::decrypt_jwe(jwe.value(), key.value().private_key(), random.value()).ok();
    if (ok) {
      out.latencies_us.push_back(bp::monotonic_us() - start);
    } else {
      ++out.errors;
    }
  }
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    (void)fprintf(stderr, "usage: broker_fetch HANDOVER_FILE REPO/TYPE/TAG CLIENTS SECONDS\n");
    return 2;
  }
  auto handover = bp::read_boot_handover(argv[1]);
  if (!handover.ok() || !handover.value().broker) {
    (void)fprintf(stderr, "broker_fetch: %s\n",
                  handover.ok() ? "no broker session" : handover.error().message().c_str());
    return 1;
  }
  std::string text = argv[2];
  size_t a = text.find('/'), b = text.rfind('/');
  auto path =
      bp::kbs::make_resource_path(text.substr(0, a), text.substr(a + 1, b - a - 1), text.substr(b + 1));
  if (!path.ok()) {
    (void)fprintf(stderr, "broker_fetch: %s\n", path.error().message().c_str());
    return 2;
  }
  int clients = atoi(argv[3]);
  double seconds = atof(argv[4]);
  const bp::BrokerHandover &session = *handover.value().broker;
  std::vector<Worker> workers(static_cast<size_t>(clients));
  uint64_t start = bp::monotonic_ms();
  uint64_t end_ms = start + static_cast<uint64_t>(seconds * 1000);
  {
    std::vector<bp::Thread> threads;
    for (Worker &w : workers) {
      Worker *worker = &w;
      const bp::kbs::ResourcePath *p = &path.value();
      auto thread =
          bp::Thread::start([&session, p, end_ms, worker] { run_worker(session, *p, end_ms, *worker); });
      if (!thread.ok()) return 1;
      threads.push_back(thread.release_value());
    }
  }
  double elapsed = static_cast<double>(bp::monotonic_ms() - start) / 1000.0;
  std::vector<uint64_t> all;
  long errors = 0;
  for (const Worker &w : workers) {
    all.insert(all.end(), w.latencies_us.begin(), w.latencies_us.end());
    errors += w.errors;
  }
  std::sort(all.begin(), all.end());
  auto percentile = [&](double q) {
    return all.empty()
               ? 0.0
               : static_cast<double>(
                     all[std::min(all.size() - 1, static_cast<size_t>(q * static_cast<double>(all.size())))]);
  };
  printf("%zu %ld %.3f %.1f %.1f\n", all.size(), errors, elapsed, percentile(0.5), percentile(0.99));
  return 0;
}
