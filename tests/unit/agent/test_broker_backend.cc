// bp-agent's broker backend against a fake Trustee KBS on loopback: the
// boot's token reused, re-attestation when it expires or the broker answers
// 401 (once), a broker that is down, boot-only refusal before the broker is
// asked, JWEs decrypted with the key the current token is bound to, the
// token and key pair for /aa/token, evidence over the caller's report_data,
// and the cap on concurrent broker calls.
#include <errno.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include "agent/broker_backend.h"
#include "agent/workload_api.h"
#include "lib/core/encoding.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "lib/snp/evidence_json.h"
#include "tests/unit/kbs/fake_broker.h"
#include "tests/unit/run_program.h"
#include "tests/unit/snp/fake_report.h"
#include "tests/unit/test_support.h"

namespace {

using bp::testing::FakeRequest;
using bp::testing::FakeServer;
using bp::testing::http_response;

class FakeProvider : public bp::snp::Provider {
 public:
  explicit FakeProvider(std::atomic<int> &calls) : calls_(calls) {}
  const char *name() const override { return "fake"; }
  bp::Result<bp::snp::Evidence> get_report(bp::ByteView report_data, uint32_t vmpl) override {
    ++calls_;
    return bp::snp::make_evidence(bp::snp::testing::fake_report(report_data, vmpl),
                                  bp::snp::testing::fake_cert_table(), report_data, vmpl);
  }

 private:
  std::atomic<int> &calls_;
};

std::string jwt_with_exp(long long exp, const char *id) {
  return "eyJhbGciOiJFUzI1NiJ9." +
         bp::base64url_encode(bp::ByteView::of_string(bp::format("{\"exp\":%lld,\"jti\":\"%s\"}", exp, id))) +
         ".c2ln";
}

std::string error_body(const char *variant) {
  return bp::format(
      "{\"type\":\"https://github.com/confidential-containers/kbs/errors/%s\",\"detail\":\"x\"}", variant);
}

// Tokens it issued map to the key they are bound to; resources are
// encrypted (by Python) to the key of the bearer token that asked.
struct Broker {
  std::map<std::string, std::string> resources;  // path -> plaintext hex
  std::map<std::string, std::string> keys;       // token -> JWK JSON
  std::map<std::string, bool> revoked;
  std::string wrong_key;  // when set, JWEs go to this JWK instead
  long long issue_exp = 4000000000LL;
  int attests = 0;
  int resource_requests = 0;
  int slow_ms = 0;
  std::vector<std::string> bearers;

  std::string handle(const FakeRequest &r) {
    if (slow_ms) usleep(static_cast<useconds_t>(slow_ms) * 1000);
    if (r.method == "POST" && r.target == "/kbs/v0/auth")
      return http_response(200, "{\"nonce\":\"bm9uY2U\",\"extra-params\":\"\"}",
                           "Set-Cookie: kbs-session-id=s1; Expires=Wed, 26 Nov 2036 15:00:00 GMT\r\n");
    if (r.method == "POST" && r.target == "/kbs/v0/attest") {
      ++attests;
      bp::Json body = ASSERT_OK(bp::parse_json(r.body, 1 << 20, 64));
      std::string jwk =
          ASSERT_OK(bp::json_compact(ASSERT_OK(body.object("runtime-data").object("tee-pubkey"))));
      std::string token = jwt_with_exp(issue_exp, bp::format("t%d", attests).c_str());
      keys[token] = jwk;
      return http_response(200, "{\"token\":\"" + token + "\"}");
    }
    const std::string prefix = "/kbs/v0/resource/";
    if (r.method == "GET" && r.target.compare(0, prefix.size(), prefix) == 0) {
      ++resource_requests;
      auto auth = r.headers.find("authorization");
      std::string bearer = auth == r.headers.end() ? "" : auth->second;
      bearers.push_back(bearer);
      std::string token = bearer.compare(0, 7, "Bearer ") == 0 ? bearer.substr(7) : "";
      auto key = keys.find(token);
      if (key == keys.end() || revoked[token]) return http_response(401, error_body("TokenVerifierError"));
      auto found = resources.find(r.target.substr(prefix.size()));
      if (found == resources.end()) return http_response(404, error_body("InvalidRequestPath"));
      std::string jwe = ASSERT_OK(
          bp::testing::run_program({"/usr/bin/python3", "tests/unit/kbs/jose_reference.py", "jwe-trustee",
                                    wrong_key.empty() ? key->second : wrong_key, found->second}));
      return http_response(200, jwe);
    }
    return http_response(404, error_body("PluginNotFound"));
  }
};

std::string message_of(const bp::Result<bp::SecretBytes> &r) {
  if (r.ok()) fail_msg("expected an error");
  return r.error().message();
}

struct Fixture {
  Broker broker;
  std::unique_ptr<FakeServer> server;
  std::atomic<int> reports{0};
  std::atomic<long long> now{1700000000};
  std::string boot_token;
  std::unique_ptr<bp::BrokerBackend> backend;

  // The boot's token, bound to a key the test made, expiring at boot_exp.
  void start(long long boot_exp, size_t max_calls = 16, const std::string &url = "") {
    if (!server)
      server = std::make_unique<FakeServer>([this](const FakeRequest &r) { return broker.handle(r); });
    bp::Random random = ASSERT_OK(bp::Random::create());
    bp::kbs::TeeKey key = ASSERT_OK(bp::kbs::TeeKey::generate(random));
    boot_token = jwt_with_exp(boot_exp, "boot");
    broker.keys[boot_token] = ASSERT_OK(bp::json_compact(ASSERT_OK(key.public_jwk())));
    bp::BrokerBackendConfig config;
    config.kbs.url = url.empty() ? server->url() : url;
    config.kbs.allow_plain_http = true;
    config.kbs.initial_backoff_ms = 20;
    config.kbs.max_backoff_ms = 50;
    config.request_timeout_ms = 3000;
    config.max_broker_calls = max_calls;
    config.wall_clock = [this] { return static_cast<int64_t>(now.load()); };
    std::vector<bp::BootResource> boot;
    boot.push_back(
        bp::BootResource{ASSERT_OK(bp::parse_resource_path("default/secret/boot")),
                         ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("from boot")))});
    backend = ASSERT_OK(bp::BrokerBackend::create(
        config, std::move(boot), ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string(boot_token))),
        std::move(key), std::make_unique<FakeProvider>(reports),
        bp::Log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::error})));
  }
  bp::Result<bp::SecretBytes> get(const char *path) {
    return backend->get_resource(ASSERT_OK(bp::parse_resource_path(path)));
  }
};

void test_boot_cache_and_token_reuse(void **) {
  Fixture f;
  f.broker.resources["default/secret/a"] = "6161";
  f.broker.resources["default/secret/b"] = "626262";
  f.start(f.now + 3600);
  ASSERT_BYTES_EQUAL(ASSERT_OK(f.get("default/secret/boot")).view(), "66726f6d20626f6f74");
  assert_int_equal(f.server->requests(), 0);  // the boot cache needs no broker
  ASSERT_BYTES_EQUAL(ASSERT_OK(f.get("default/secret/a")).view(), "6161");
  ASSERT_BYTES_EQUAL(ASSERT_OK(f.get("default/secret/b")).view(), "626262");
  ASSERT_BYTES_EQUAL(ASSERT_OK(f.get("default/secret/a")).view(), "6161");  // not cached: asked again
  assert_int_equal(f.broker.attests, 0);
  assert_int_equal(f.broker.resource_requests, 3);
  for (const std::string &b : f.broker.bearers)
    assert_string_equal(b.c_str(), ("Bearer " + f.boot_token).c_str());
  assert_int_equal(f.server->connections(), 1);  // one kept-alive connection
  bp::BrokerBackendStats stats = f.backend->stats();
  assert_int_equal(stats.boot_hits, 1);
  assert_int_equal(stats.broker_fetches, 3);
  assert_int_equal(stats.attestations, 0);
  assert_int_equal(f.reports.load(), 0);
  ASSERT_ERROR_CONTAINS(f.get("default/secret/missing"), "HTTP 404");
}

void test_expired_token_reattests(void **) {
  Fixture f;
  f.broker.resources["default/secret/a"] = "6161";
  f.start(f.now + 10);  // within the 30 s margin
  ASSERT_BYTES_EQUAL(ASSERT_OK(f.get("default/secret/a")).view(), "6161");
  assert_int_equal(f.broker.attests, 1);
  assert_int_equal(f.reports.load(), 1);
  assert_int_equal(f.broker.resource_requests, 1);  // the old token was never sent
  assert_string_not_equal(f.broker.bearers[0].c_str(), ("Bearer " + f.boot_token).c_str());
  // The new token lasts: no more attestations.
  ASSERT_OK(f.get("default/secret/a"));
  assert_int_equal(f.broker.attests, 1);
  // Time passes beyond the new token's exp: attest again.
  f.now = f.broker.issue_exp;
  ASSERT_OK(f.get("default/secret/a"));
  assert_int_equal(f.broker.attests, 2);
  assert_int_equal(f.backend->stats().attestations, 2);
}

void test_401_reattests_once(void **) {
  Fixture f;
  f.broker.resources["default/secret/a"] = "6161";
  f.start(f.now + 3600);
  f.broker.revoked[f.boot_token] = true;
  ASSERT_BYTES_EQUAL(ASSERT_OK(f.get("default/secret/a")).view(), "6161");
  assert_int_equal(f.broker.attests, 1);
  assert_int_equal(f.broker.resource_requests, 2);

  // A broker that refuses every token: one attestation, then the error.
  Fixture g;
  g.broker.resources["default/secret/a"] = "6161";
  g.server = std::make_unique<FakeServer>([&g](const FakeRequest &r) {
    if (r.target.find("/resource/") != std::string::npos) {
      ++g.broker.resource_requests;
      return http_response(401, error_body("TokenVerifierError"));
    }
    return g.broker.handle(r);
  });
  g.start(g.now + 3600);
  auto refused = g.get("default/secret/a");
  ASSERT_TEXT_CONTAINS(message_of(refused), "HTTP 401");
  ASSERT_TEXT_CONTAINS(message_of(refused), "kbs:///default/secret/a from the broker");
  assert_int_equal(g.broker.attests, 1);
  assert_int_equal(g.broker.resource_requests, 2);
}

void test_broker_down(void **) {
  Fixture f;
  // A port nothing listens on: bind, read the port, close.
  std::string url;
  {
    FakeServer gone([](const FakeRequest &) { return std::string(); });
    url = gone.url();
  }
  f.start(f.now + 3600, 16, url);
  auto failed = f.get("default/secret/a");
  ASSERT_TEXT_CONTAINS(message_of(failed), "kbs:///default/secret/a from the broker");
  ASSERT_TEXT_CONTAINS(message_of(failed), "Connection refused");
  ASSERT_TEXT_CONTAINS(message_of(failed), "deadline");
  // The boot cache still answers.
  ASSERT_OK(f.get("default/secret/boot"));
}

void test_jwe_key(void **) {
  Fixture f;
  f.broker.resources["default/secret/a"] = "6161";
  f.start(f.now + 3600);
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::kbs::TeeKey other = ASSERT_OK(bp::kbs::TeeKey::generate(random));
  f.broker.wrong_key = ASSERT_OK(bp::json_compact(ASSERT_OK(other.public_jwk())));
  ASSERT_ERROR_CONTAINS(f.get("default/secret/a"), "the broker's answer");
}

void test_boot_only_never_asked(void **) {
  Fixture f;
  f.broker.resources["buckypaper/disk/root"] = "00";
  f.start(f.now + 3600);
  bp::WorkloadApi api(*f.backend, {ASSERT_OK(bp::parse_resource_path("buckypaper/disk/root"))},
                      bp::WorkloadApiFeatures{},
                      bp::Log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::error}));
  bp::ParsedHttpRequest request;
  request.method = "GET";
  request.target = request.path = "/cdh/resource/buckypaper/disk/root";
  bp::HttpReply response = api.handle(request, bp::SocketAddress::ipv4_loopback(40000));
  assert_int_equal(response.status, 403);
  assert_int_equal(f.server->requests(), 0);
  request.target = request.path = "/cdh/resource/default/secret/boot";
  response = api.handle(request, bp::SocketAddress::ipv4_loopback(40000));
  assert_int_equal(response.status, 200);
}

void test_token_and_key_pair(void **) {
  Fixture f;
  f.start(f.now + 3600);
  bp::KbsToken token = ASSERT_OK(f.backend->get_token());
  assert_string_equal(token.token.c_str(), f.boot_token.c_str());
  // The PEM is the key the token is bound to, as an independent parser reads it.
  std::string pem(token.tee_keypair_pem.view().as_string_view());
  assert_true(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
  std::string script =
      "import sys,json,base64\n"
      "from cryptography.hazmat.primitives.serialization import load_pem_private_key\n"
      "k=load_pem_private_key(sys.argv[1].encode(),None).public_key().public_numbers()\n"
      "b=lambda n: base64.urlsafe_b64encode(n.to_bytes(32,'big')).rstrip(b'=').decode()\n"
      "print(b(k.x)+' '+b(k.y))\n";
  std::string xy = ASSERT_OK(bp::testing::run_program({"/usr/bin/python3", "-c", script, pem}));
  bp::Json jwk = ASSERT_OK(bp::parse_json(f.broker.keys[f.boot_token], 4096, 4));
  std::string expected = ASSERT_OK(jwk.get_string("x")) + " " + ASSERT_OK(jwk.get_string("y"));
  assert_string_equal(xy.c_str(), expected.c_str());
  // An expired token is replaced before it is handed out.
  f.now = f.now + 3600;
  bp::KbsToken fresh = ASSERT_OK(f.backend->get_token());
  assert_string_not_equal(fresh.token.c_str(), f.boot_token.c_str());
  assert_int_equal(f.broker.attests, 1);
}

void test_evidence(void **) {
  Fixture f;
  f.start(f.now + 3600);
  bp::Bytes report_data = bp::snp::testing::report_data_pattern(7);
  std::string text = ASSERT_OK(f.backend->get_evidence(report_data));
  bp::snp::SnpEvidence evidence =
      ASSERT_OK(bp::snp::parse_snp_evidence_json(ASSERT_OK(bp::parse_json(text, 1 << 20, 16))));
  assert_memory_equal(evidence.report.report_data.data(), report_data.data(), 64);
  assert_int_equal(evidence.certs.entries.size(), 2);
  assert_int_equal(f.reports.load(), 1);
}

void test_concurrent_cap(void **) {
  Fixture f;
  f.broker.resources["default/secret/a"] = "6161";
  f.broker.slow_ms = 400;
  f.start(f.now + 3600, 1);
  std::thread slow([&f] { ASSERT_OK(f.get("default/secret/a")); });
  while (f.server->requests() == 0) usleep(5000);
  auto busy = f.get("default/secret/a");
  ASSERT_TEXT_CONTAINS(message_of(busy), "in flight");
  assert_int_equal(busy.error().errno_value(), EBUSY);
  ASSERT_OK(f.get("default/secret/boot"));  // the boot cache is not held up
  slow.join();
}

}  // namespace

RUN_TESTS("agent/broker_backend", cmocka_unit_test(test_boot_cache_and_token_reuse),
          cmocka_unit_test(test_expired_token_reattests), cmocka_unit_test(test_401_reattests_once),
          cmocka_unit_test(test_broker_down), cmocka_unit_test(test_jwe_key),
          cmocka_unit_test(test_boot_only_never_asked), cmocka_unit_test(test_token_and_key_pair),
          cmocka_unit_test(test_evidence), cmocka_unit_test(test_concurrent_cap))
