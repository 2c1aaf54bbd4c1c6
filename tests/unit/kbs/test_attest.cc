// The whole attest exchange against a fake broker over loopback HTTP: a
// broker that checks what a Trustee KBS checks (version, cookie, nonce,
// report_data binding) and releases resources as JWEs made by Python's
// cryptography for the client's key; and brokers that misbehave.
#include <errno.h>

#include <map>
#include <memory>

#include "lib/core/clock.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "lib/kbs/attest.h"
#include "lib/kbs/runtime_data.h"
#include "lib/snp/evidence_json.h"
#include "tests/unit/kbs/fake_broker.h"
#include "tests/unit/run_program.h"
#include "tests/unit/snp/fake_report.h"
#include "tests/unit/test_support.h"

namespace {

using bp::testing::FakeRequest;
using bp::testing::FakeServer;
using bp::testing::http_response;

template <typename T>
std::string error_text(const bp::Result<T> &r) {
  if (r.ok()) fail_msg("expected an error");
  return r.error().message();
}

class FakeProvider : public bp::snp::Provider {
 public:
  const char *name() const override { return "fake"; }
  bp::Result<bp::snp::Evidence> get_report(bp::ByteView report_data, uint32_t vmpl) override {
    ++calls;
    return bp::snp::make_evidence(bp::snp::testing::fake_report(report_data, vmpl),
                                  bp::snp::testing::fake_cert_table(), report_data, vmpl);
  }
  int calls = 0;
};

std::string error_body(const char *variant, const char *detail) {
  return bp::format(
      "{\"type\":\"https://github.com/confidential-containers/kbs/errors/%s\",\"detail\":\"%s\"}", variant,
      detail);
}

// A broker that does what Trustee does, in small.
struct GoodBroker {
  std::map<std::string, std::string> resources;  // path -> plaintext hex
  std::string nonce = "bm9uY2Utb2YtdGhlLXRlc3QtYnJva2VyLTAxMjM0NTY=";
  std::string session = "0123456789abcdef0123456789abcdef";
  std::string token = "eyJhbGciOiJFUzI1NiJ9.eyJ0ZXN0Ijp0cnVlfQ.c2lnbmF0dXJl";
  std::string jwk;      // from the attest request
  std::string problem;  // what the broker found wrong, if anything
  int attests = 0;
  std::map<std::string, int> fail_first;  // target -> 503s before answering

  std::string handle(const FakeRequest &r) {
    auto fail = fail_first.find(r.target);
    if (fail != fail_first.end() && fail->second > 0) {
      --fail->second;
      return http_response(503, error_body("Busy", "try later"));
    }
    if (r.method == "POST" && r.target == "/kbs/v0/auth") {
      bp::Json body = ASSERT_OK(bp::parse_json(r.body, 1 << 20, 8));
      if (ASSERT_OK(body.get_string("version")) != "0.4.0" || ASSERT_OK(body.get_string("tee")) != "snp") {
        problem = "auth body";
      }
      return http_response(
          200, "{\"nonce\":\"" + nonce + "\",\"extra-params\":\"\"}",
          "Set-Cookie: kbs-session-id=" + session + "; Expires=Wed, 26 Nov 2036 15:00:00 GMT\r\n");
    }
    auto cookie = r.headers.find("cookie");
    bool has_session = cookie != r.headers.end() && cookie->second == "kbs-session-id=" + session;
    if (r.method == "POST" && r.target == "/kbs/v0/attest") {
      ++attests;
      if (!has_session) return http_response(401, error_body("AttestationError", "no session"));
      bp::Json body = ASSERT_OK(bp::parse_json(r.body, 1 << 20, 64));
      bp::Json runtime = ASSERT_OK(body.object("runtime-data"));
      if (ASSERT_OK(runtime.get_string("nonce")) != nonce) problem = "nonce";
      bp::Json key = ASSERT_OK(runtime.object("tee-pubkey"));
      jwk = ASSERT_OK(bp::json_compact(key));
      bp::Json tee_evidence = ASSERT_OK(body.object("tee-evidence"));
      if (!ASSERT_OK(tee_evidence.get_string("additional_evidence")).empty()) problem = "additional_evidence";
      bp::snp::SnpEvidence evidence =
          ASSERT_OK(bp::snp::parse_snp_evidence_json(ASSERT_OK(tee_evidence.object("primary_evidence"))));
      bp::kbs::ReportData expected = ASSERT_OK(bp::kbs::report_data_for(nonce, key));
      if (evidence.report.report_data != expected) {
        return http_response(401, error_body("AttestationError", "Report Data Mismatch"));
      }
      if (evidence.certs.entries.size() != 2) problem = "cert_chain";
      return http_response(200, "{\"token\":\"" + token + "\"}");
    }
    const std::string prefix = "/kbs/v0/resource/";
    if (r.method == "GET" && r.target.compare(0, prefix.size(), prefix) == 0) {
      auto auth = r.headers.find("authorization");
      if (!has_session || auth == r.headers.end() || auth->second != "Bearer " + token) {
        return http_response(401, error_body("TokenNotFound", "Attestation Token not found"));
      }
      auto found = resources.find(r.target.substr(prefix.size()));
      if (found == resources.end()) {
        return http_response(404, error_body("InvalidRequestPath", "no such resource"));
      }
      std::string jwe = ASSERT_OK(bp::testing::run_program(
          {"/usr/bin/python3", "tests/unit/kbs/jose_reference.py", "jwe-trustee", jwk, found->second}));
      return http_response(200, jwe);
    }
    return http_response(404, error_body("PluginNotFound", "no plugin"));
  }
};

struct Fixture {
  bp::Random random;
  FakeProvider provider;
  bp::Log log;
};

std::unique_ptr<Fixture> fixture() {
  return std::unique_ptr<Fixture>(new Fixture{
      ASSERT_OK(bp::Random::create()), {}, bp::Log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::error})});
}

bp::kbs::AttestConfig config_for(const FakeServer &server,
                                 std::initializer_list<std::pair<const char *, const char *>> resources) {
  bp::kbs::AttestConfig c;
  c.kbs.url = server.url();
  c.kbs.allow_plain_http = true;
  c.kbs.initial_backoff_ms = 20;
  c.kbs.max_backoff_ms = 100;
  c.kbs.attempt_timeout_ms = 2000;
  c.deadline_ms = 5000;
  for (const auto &[name, uri] : resources) {
    c.resources.push_back({name, ASSERT_OK(bp::kbs::parse_resource_uri(uri))});
  }
  return c;
}

void test_happy_path(void **) {
  GoodBroker broker;
  broker.resources["buckypaper/disk/root"] =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  broker.resources["buckypaper/secret/greeting"] = "68656c6c6f";
  FakeServer server([&](const FakeRequest &r) { return broker.handle(r); });
  auto f = fixture();
  bp::kbs::AttestConfig config = config_for(server, {{"root-key", "kbs:///buckypaper/disk/root"},
                                                     {"greeting", "kbs:///buckypaper/secret/greeting"}});
  bp::kbs::AttestResult result = ASSERT_OK(bp::kbs::attest(config, f->provider, f->random, f->log));
  assert_string_equal(broker.problem.c_str(), "");
  assert_int_equal(result.resources.size(), 2);
  ASSERT_BYTES_EQUAL(result.find("root-key")->view(),
                     "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  ASSERT_BYTES_EQUAL(result.find("greeting")->view(), "68656c6c6f");
  assert_null(result.find("other"));
  assert_true(result.token.view() == bp::ByteView::of_string(broker.token));
  // One connection, 2 + number of resources round trips, no retries.
  assert_int_equal(server.connections(), 1);
  assert_int_equal(result.counters.connections, 1);
  assert_int_equal(result.counters.handshakes, 0);  // plain http here
  assert_int_equal(result.counters.round_trips, 4);
  assert_int_equal(result.counters.retries, 0);
  assert_int_equal(f->provider.calls, 1);
  // The key the token is bound to comes back for bp-agent.
  assert_true(result.tee_key.has_value());
  assert_string_equal(ASSERT_OK(bp::json_compact(ASSERT_OK(result.tee_key->public_jwk()))).c_str(),
                      broker.jwk.c_str());
  assert_string_equal(result.provider.c_str(), "fake");
}

void test_retries_5xx(void **) {
  GoodBroker broker;
  broker.resources["r/t/k"] = "aa";
  broker.fail_first["/kbs/v0/auth"] = 2;
  broker.fail_first["/kbs/v0/resource/r/t/k"] = 1;
  FakeServer server([&](const FakeRequest &r) { return broker.handle(r); });
  auto f = fixture();
  bp::kbs::AttestResult result =
      ASSERT_OK(bp::kbs::attest(config_for(server, {{"k", "kbs:///r/t/k"}}), f->provider, f->random, f->log));
  assert_int_equal(result.counters.retries, 3);
  assert_int_equal(result.counters.connections, 1);  // 5xx answers keep the connection
  ASSERT_BYTES_EQUAL(result.find("k")->view(), "aa");
}

void test_final_refusals(void **) {
  {
    // The broker refuses the evidence: 401 with Trustee's error body, no retry.
    GoodBroker broker;
    broker.nonce = "a-nonce";
    FakeServer server([&](const FakeRequest &r) {
      if (r.target == "/kbs/v0/attest") {
        ++broker.attests;
        return http_response(401,
                             error_body("AttestationError", "Attestation error: verify TEE evidence failed"));
      }
      return broker.handle(r);
    });
    auto f = fixture();
    auto r = bp::kbs::attest(config_for(server, {{"k", "kbs:///r/t/k"}}), f->provider, f->random, f->log);
    ASSERT_TEXT_CONTAINS(
        error_text(r),
        "KBS POST /kbs/v0/attest: HTTP 401 AttestationError: Attestation error: verify TEE evidence failed");
    assert_int_equal(broker.attests, 1);
  }
  {
    GoodBroker broker;  // no resources at all
    FakeServer server([&](const FakeRequest &r) { return broker.handle(r); });
    auto f = fixture();
    auto r =
        bp::kbs::attest(config_for(server, {{"k", "kbs:///r/t/missing"}}), f->provider, f->random, f->log);
    ASSERT_TEXT_CONTAINS(error_text(r),
                         "GET /kbs/v0/resource/r/t/missing: HTTP 404 InvalidRequestPath: no such resource");
  }
  {
    GoodBroker broker;
    FakeServer server([&](const FakeRequest &r) {
      if (r.target.find("/resource/") != std::string::npos) {
        return http_response(403, error_body("PolicyDeny", "Access denied by policy"));
      }
      return broker.handle(r);
    });
    auto f = fixture();
    auto r = bp::kbs::attest(config_for(server, {{"k", "kbs:///r/t/k"}}), f->provider, f->random, f->log);
    ASSERT_TEXT_CONTAINS(error_text(r), "HTTP 403 PolicyDeny: Access denied by policy");
  }
}

void test_bad_answers(void **) {
  const struct {
    const char *what;
    std::string answer;
    const char *error;
  } cases[] = {
      {"wrong content type",
       http_response(200, "{\"nonce\":\"x\"}", "Set-Cookie: kbs-session-id=a\r\n", "text/html"),
       "content type is 'text/html', expected application/json"},
      {"malformed JSON", http_response(200, "{\"nonce\":", "Set-Cookie: kbs-session-id=a\r\n"),
       "KBS POST /kbs/v0/auth: "},
      {"no nonce", http_response(200, "{\"extra-params\":\"\"}", "Set-Cookie: kbs-session-id=a\r\n"),
       "$.nonce: missing"},
      {"no cookie", http_response(200, "{\"nonce\":\"n\",\"extra-params\":\"\"}"),
       "no kbs-session-id cookie"},
      {"bad cookie", http_response(200, "{\"nonce\":\"n\"}", "Set-Cookie: kbs-session-id=a\"b\r\n"),
       "invalid character"},
      {"other hash",
       http_response(200, "{\"nonce\":\"n\",\"extra-params\":{\"selected-hash-algorithm\":\"sha512\"}}",
                     "Set-Cookie: kbs-session-id=a\r\n"),
       "'sha512' is not supported"},
      {"oversized", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n",
       "Content-Length 99999999 is larger than the limit"},
      {"not HTTP", "SSH-2.0-OpenSSH_9.2\r\n", "malformed status line"},
  };
  for (const auto &c : cases) {
    FakeServer server([&](const FakeRequest &) { return c.answer; });
    auto f = fixture();
    auto r = bp::kbs::attest(config_for(server, {}), f->provider, f->random, f->log);
    if (r.ok()) fail_msg("%s: accepted", c.what);
    if (r.error().message().find(c.error) == std::string::npos) {
      fail_msg("%s: '%s' does not contain '%s'", c.what, r.error().message().c_str(), c.error);
    }
    assert_int_equal(f->provider.calls, 0);
  }
}

void test_bad_token_and_jwe(void **) {
  {
    GoodBroker broker;
    broker.token = "not a token!";
    FakeServer server([&](const FakeRequest &r) { return broker.handle(r); });
    auto f = fixture();
    ASSERT_ERROR_CONTAINS(bp::kbs::attest(config_for(server, {}), f->provider, f->random, f->log),
                          "$.token: not a JWT");
  }
  {
    // A JWE for another key: the resource cannot be read, and the stage fails.
    GoodBroker broker;
    broker.resources["r/t/k"] = "aabb";
    FakeServer server([&](const FakeRequest &r) {
      if (r.target == "/kbs/v0/resource/r/t/k") {
        std::string other = ASSERT_OK(bp::testing::run_program(
            {"/usr/bin/python3", "-c",
             "from jwcrypto import jwk; print(jwk.JWK.generate(kty='EC', crv='P-256').export_public())"}));
        broker.jwk = other;
      }
      return broker.handle(r);
    });
    auto f = fixture();
    auto r = bp::kbs::attest(config_for(server, {{"k", "kbs:///r/t/k"}}), f->provider, f->random, f->log);
    ASSERT_TEXT_CONTAINS(error_text(r),
                         "resource k (r/t/k): JWE: the content key does not unwrap with our key");
  }
  {
    GoodBroker broker;
    FakeServer server([&](const FakeRequest &r) {
      if (r.target.find("/resource/") != std::string::npos)
        return http_response(200, "{\"protected\":\"e30\"}");
      return broker.handle(r);
    });
    auto f = fixture();
    auto r = bp::kbs::attest(config_for(server, {{"k", "kbs:///r/t/k"}}), f->provider, f->random, f->log);
    ASSERT_TEXT_CONTAINS(error_text(r), "resource k (r/t/k): ");
  }
}

void test_deadline_with_broker_down(void **) {
  // Nothing listens: retried with backoff, and given up at the deadline.
  uint16_t port;
  {
    FakeServer probe([](const FakeRequest &) { return std::string(); });
    port = probe.port();
  }
  auto f = fixture();
  bp::kbs::AttestConfig config;
  config.kbs.url = bp::format("http://127.0.0.1:%u", port);
  config.kbs.allow_plain_http = true;
  config.kbs.initial_backoff_ms = 50;
  config.kbs.max_backoff_ms = 200;
  config.deadline_ms = 1000;
  uint64_t start = bp::monotonic_ms();
  auto r = bp::kbs::attest(config, f->provider, f->random, f->log);
  uint64_t elapsed = bp::monotonic_ms() - start;
  ASSERT_TEXT_CONTAINS(error_text(r), "Connection refused");
  ASSERT_TEXT_CONTAINS(error_text(r), "the deadline is reached");
  assert_true(elapsed < 2000);
}

void test_slow_broker(void **) {
  // A broker that accepts the request and then says nothing: the deadline ends it.
  FakeServer server([](const FakeRequest &) {
    usleep(1200 * 1000);
    return std::string();
  });
  auto f = fixture();
  bp::kbs::AttestConfig config = config_for(server, {});
  config.deadline_ms = 800;
  config.kbs.attempt_timeout_ms = 300;
  uint64_t start = bp::monotonic_ms();
  auto r = bp::kbs::attest(config, f->provider, f->random, f->log);
  uint64_t elapsed = bp::monotonic_ms() - start;
  ASSERT_TEXT_CONTAINS(error_text(r), "timed out");
  assert_true(elapsed < 1500);
}

void test_config_checks(void **) {
  auto f = fixture();
  bp::kbs::AttestConfig config;
  config.kbs.url = "http://127.0.0.1:1";
  ASSERT_ERROR_CONTAINS(bp::kbs::attest(config, f->provider, f->random, f->log), "plain http is not allowed");
  config.kbs.url = "https://127.0.0.1:1";
  ASSERT_ERROR_CONTAINS(bp::kbs::attest(config, f->provider, f->random, f->log),
                        "needs the broker's CA certificate");
  config.kbs.url = "ftp://x";
  ASSERT_ERROR_CONTAINS(bp::kbs::attest(config, f->provider, f->random, f->log),
                        "scheme must be http or https");
  config.kbs.url = "http://127.0.0.1:1";
  config.kbs.allow_plain_http = true;
  config.resources.push_back({"a", ASSERT_OK(bp::kbs::make_resource_path("r", "t", "a"))});
  config.resources.push_back({"a", ASSERT_OK(bp::kbs::make_resource_path("r", "t", "b"))});
  ASSERT_ERROR_CONTAINS(bp::kbs::attest(config, f->provider, f->random, f->log),
                        "resource name 'a' is used twice");
}

void test_resource_paths(void **) {
  bp::kbs::ResourcePath p = ASSERT_OK(bp::kbs::parse_resource_uri("kbs:///buckypaper/disk/root-1.key_2"));
  assert_string_equal(p.to_string().c_str(), "buckypaper/disk/root-1.key_2");
  ASSERT_ERROR_CONTAINS(bp::kbs::parse_resource_uri("kbs://host/a/b/c"), "expected kbs:///");
  ASSERT_ERROR_CONTAINS(bp::kbs::parse_resource_uri("kbs:///a/b"), "expected kbs:///");
  ASSERT_ERROR_CONTAINS(bp::kbs::parse_resource_uri("kbs:///a/b/c/d"), "expected kbs:///");
  ASSERT_ERROR_CONTAINS(bp::kbs::parse_resource_uri("kbs:///a/../c"), "segment '..'");
  ASSERT_ERROR_CONTAINS(bp::kbs::parse_resource_uri("kbs:///a/b/c?x"), "segment 'c?x'");
  ASSERT_ERROR_CONTAINS(bp::kbs::parse_resource_uri("kbs:///a//c"), "segment ''");
  ASSERT_ERROR_CONTAINS(bp::kbs::make_resource_path("a", "-b", "c"), "segment '-b'");
}

void test_protocol_messages(void **) {
  std::string auth = ASSERT_OK(bp::kbs::auth_request_body());
  assert_string_equal(auth.c_str(),
                      "{\"version\":\"0.4.0\",\"tee\":\"snp\",\"extra-params\":{\"supported-hash-"
                      "algorithms\":[\"sha384\"]}}");
  bp::kbs::BrokerError e =
      bp::kbs::parse_error_body(bp::ByteView::of_string(error_body("PolicyDeny", "no\\u0007")));
  assert_string_equal(e.describe().c_str(), "PolicyDeny: no?");
  e = bp::kbs::parse_error_body(bp::ByteView::of_string("<html>"));
  assert_string_equal(e.describe().c_str(), "(a body of 6 bytes that is not a JSON object)");
  e = bp::kbs::parse_error_body(
      bp::ByteView::of_string("{\"type\":\"other\",\"detail\":\"" + std::string(400, 'x') + "\"}"));
  assert_int_equal(e.detail.size(), 303);
  assert_string_equal(e.type.c_str(), "other");
}

}  // namespace

RUN_TESTS("kbs/attest", cmocka_unit_test(test_happy_path), cmocka_unit_test(test_retries_5xx),
          cmocka_unit_test(test_final_refusals), cmocka_unit_test(test_bad_answers),
          cmocka_unit_test(test_bad_token_and_jwe), cmocka_unit_test(test_deadline_with_broker_down),
          cmocka_unit_test(test_slow_broker), cmocka_unit_test(test_config_checks),
          cmocka_unit_test(test_resource_paths), cmocka_unit_test(test_protocol_messages))
