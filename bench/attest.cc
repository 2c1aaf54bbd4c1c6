// bp-init's attest stage on the host: the KBS client (TLS to the broker)
// with the sim provider talking to the host-side SNP simulator over its UNIX
// socket (in a VM that socket is the virtio-serial port). Runs the whole
// exchange `runs` times and prints one line per run for bench/attest.bench:
//   attest <ms> <evidence ms> <handshakes> <connections> <round trips> <retries>
// and, after the first run, the SHA-256 of each resource (test keys only), so
// the script can compare them with the files the broker serves:
//   resource <name> <sha256 hex>
// Also usable as a host integration check: it fails (exit 1, the error on
// stderr) when the broker refuses or a resource does not decrypt.
//
// With --handover FILE (tests and bench/agent.bench stand in for bp-init
// with it), the first run's outcome is also written to FILE as bp-init hands
// it to bp-agent (lib/agent/boot_resources.h): the resources whose name
// starts with "boot-" as boot resources, and the broker session (token, TEE
// key, URL, CA, provider "sim", a 5 s request timeout).
//
// usage: attest [--handover FILE] URL CA_PEM SIM_SOCKET RUNS NAME=kbs:///repo/type/tag...
#include "lib/kbs/attest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "lib/agent/boot_resources.h"
#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/crypto/sha.h"
#include "lib/snp/provider_sim.h"

namespace {

int fail(const char *what, const bp::Error &error) {
  (void)fprintf(stderr, "bench attest: %s: %s\n", what, error.message().c_str());
  return 1;
}

bp::Result<bp::UniqueFd> connect_unix(const char *path) {
  bp::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return bp::Error::from_errno("socket", errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) return bp::Error("socket path too long");
  memcpy(addr.sun_path, path, strlen(path));
  // A non-blocking connect to a listening UNIX socket completes at once.
  if (connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    return bp::Error::from_errno(std::string("connect ") + path, errno);
  }
  return fd;
}

bp::Status write_handover(const std::string &file, const bp::kbs::AttestConfig &config, std::string_view ca,
                          const bp::kbs::AttestResult &result) {
  bp::BootHandover handover;
  for (const bp::kbs::NamedSecret &r : result.resources) {
    if (r.name.rfind("boot-", 0) != 0) continue;
    for (const bp::kbs::ResourceRequest &request : config.resources) {
      if (request.name != r.name) continue;
      handover.resources.push_back(bp::BootResource{TRY(bp::parse_resource_path(request.path.to_string())),
                                                    TRY(bp::SecretBytes::copy_of(r.value.view()))});
    }
  }
  bp::BrokerHandover broker;
  broker.url = config.kbs.url;
  broker.ca_pem = std::string(ca);
  broker.allow_plain_http = config.kbs.allow_plain_http;
  broker.provider = "sim";
  broker.request_timeout_ms = 5000;
  broker.token = TRY(bp::SecretBytes::copy_of(result.token.view()));
  broker.tee_key = TRY(result.tee_key->export_scalar());
  handover.broker = std::move(broker);
  return bp::write_boot_handover(file, handover);
}

}  // namespace

int main(int argc, char **argv) {
  std::string handover;
  if (argc > 2 && strcmp(argv[1], "--handover") == 0) {
    handover = argv[2];
    argv += 2;
    argc -= 2;
  }
  if (argc < 5) {
    (void)fprintf(stderr,
                  "usage: %s [--handover FILE] URL CA_PEM SIM_SOCKET RUNS NAME=kbs:///repo/type/tag...\n",
                  argv[0]);
    return 2;
  }
  bp::kbs::AttestConfig config;
  config.kbs.url = argv[1];
  bp::Result<std::string> ca = bp::read_text_file(argv[2], 1 << 20);
  if (!ca.ok()) return fail("CA", ca.error());
  config.kbs.ca_pem = ca.release_value();
  config.kbs.allow_plain_http = true;  // the script may also measure plain http
  int runs = atoi(argv[4]);
  for (int i = 5; i < argc; ++i) {
    const char *eq = strchr(argv[i], '=');
    if (eq == nullptr) return fail("resource", bp::Error(std::string("expected NAME=URI, got ") + argv[i]));
    bp::Result<bp::kbs::ResourcePath> path = bp::kbs::parse_resource_uri(eq + 1);
    if (!path.ok()) return fail("resource", path.error());
    config.resources.push_back(
        {std::string(argv[i], static_cast<size_t>(eq - argv[i])), path.release_value()});
  }
  bp::Result<bp::Random> random = bp::Random::create();
  if (!random.ok()) return fail("random", random.error());
  bp::Log log("bench-attest", bp::Log::Sinks{2, -1, bp::LogLevel::warning});
  bp::Result<bp::UniqueFd> port = connect_unix(argv[3]);
  if (!port.ok()) return fail("simulator", port.error());
  bp::snp::SimProvider provider(port.release_value(), bp::snp::SimOptions{}, 1);
  for (int run = 0; run < runs; ++run) {
    bp::Result<bp::kbs::AttestResult> result = bp::kbs::attest(config, provider, random.value(), log);
    if (!result.ok()) return fail("attest", result.error());
    const bp::kbs::AttestCounters &c = result.value().counters;
    if (result.value().resources.size() != config.resources.size()) {
      return fail("attest", bp::Error("resources missing"));
    }
    printf("attest %llu %llu %u %u %u %u\n", static_cast<unsigned long long>(c.total_ms),
           static_cast<unsigned long long>(c.evidence_ms), c.handshakes, c.connections, c.round_trips,
           c.retries);
    if (run == 0 && !handover.empty()) {
      bp::Status written = write_handover(handover, config, config.kbs.ca_pem, result.value());
      if (!written.ok()) return fail("handover", written.error());
    }
    if (run == 0) {
      for (const bp::kbs::NamedSecret &r : result.value().resources) {
        printf("resource %s %s\n", r.name.c_str(),
               bp::hex_encode(bp::view(bp::sha256(r.value.view()))).c_str());
      }
    }
    (void)fflush(stdout);
  }
  return 0;
}
