// Routing of the workload API with a fake backend: CoCo-compatible answers,
// path traversal, boot-only resources, loopback-only, parameters; and the
// same through the real HTTP server on loopback.
#include <string>

#include "agent/workload_api.h"
#include "lib/json/json_parse.h"
#include "tests/unit/agent/fake_backend.h"
#include "tests/unit/http/loopback_client.h"

namespace {

bp::ParsedHttpRequest get(const std::string &target) {
  bp::ParsedHttpRequest r;
  r.method = "GET";
  r.target = target;
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  return r;
}

const bp::SocketAddress kLoopback = bp::SocketAddress::ipv4_loopback(40000);

struct Fixture {
  test::FakeBackend backend;
  bp::WorkloadApi api;
  explicit Fixture(bp::WorkloadApiFeatures features = {})
      : api(backend, {bp::parse_resource_path("buckypaper/disk/root").release_value()}, features,
            test::quiet_log()) {
    backend.resources["default/key/1"] = "12345678901234567890";
    backend.resources["buckypaper/disk/root"] = "DISK KEY";
  }
  bp::HttpReply call(const std::string &target) { return api.handle(get(target), kLoopback); }
};

std::string body(const bp::HttpReply &r) { return std::string(r.body_view().as_string_view()); }

void test_resource(void **) {
  Fixture f;
  bp::HttpReply r = f.call("/cdh/resource/default/key/1");
  assert_int_equal(r.status, 200);
  assert_string_equal(r.content_type.c_str(), "application/octet-stream");
  assert_string_equal(body(r).c_str(), "12345678901234567890");
  assert_false(r.secret_body.empty());  // the plaintext travels in locked memory
  // CoCo ignores a query on resource requests; so do we.
  assert_int_equal(f.call("/cdh/resource/default/key/1?x=1").status, 200);
  r = f.call("/cdh/resource/default/key/2");
  assert_int_equal(r.status, 500);
  assert_non_null(strstr(body(r).c_str(), "kbs:///default/key/2 not found"));
  f.backend.fail = true;
  assert_int_equal(f.call("/cdh/resource/default/key/1").status, 500);
}

void test_path_traversal(void **) {
  Fixture f;
  const char *bad[] = {
      "/cdh/resource/../../etc/passwd",
      "/cdh/resource/default/key/..",
      "/cdh/resource/default/../1",
      "/cdh/resource/default/key/1/extra",
      "/cdh/resource/default/key",
      "/cdh/resource/default//1",
      "/cdh/resource/",
      "/cdh/resource/%2e%2e/key/1",
      "/cdh/resource/default/key/%2F",
      "/cdh/resource/default/key/a%00",
      "/cdh/resource/default/key/a\\b",
      "/cdh/resource//default/key/1",
      "/cdh/resource/default/key/1/",
      "/cdh/resource/default/./1",
  };
  for (const char *target : bad) {
    bp::HttpReply r = f.call(target);
    if (r.status != 400) fail_msg("%s: status %d", target, r.status);
  }
  assert_int_equal(f.backend.calls.load(), 0);  // nothing reached the broker
  std::string long_tag = "/cdh/resource/default/key/" + std::string(200, 'a');
  assert_int_equal(f.call(long_tag).status, 400);
}

void test_boot_only_is_never_served(void **) {
  Fixture f;
  bp::HttpReply r = f.call("/cdh/resource/buckypaper/disk/root");
  assert_int_equal(r.status, 403);
  assert_non_null(strstr(body(r).c_str(), "boot-only"));
  assert_null(strstr(body(r).c_str(), "DISK KEY"));
  assert_int_equal(f.backend.calls.load(), 0);
  // Case matters in resource names: another name is another resource.
  assert_int_equal(f.call("/cdh/resource/buckypaper/disk/ROOT").status, 500);
}

void test_loopback_only(void **) {
  Fixture f;
  bp::SocketAddress remote = bp::SocketAddress::ipv4(0x0a00020f, 40000);
  bp::HttpReply r = f.api.handle(get("/cdh/resource/default/key/1"), remote);
  assert_int_equal(r.status, 403);
  assert_int_equal(f.backend.calls.load(), 0);
}

void test_methods_and_unknown_urls(void **) {
  Fixture f;
  bp::ParsedHttpRequest post = get("/cdh/resource/default/key/1");
  post.method = "POST";
  bp::HttpReply r = f.api.handle(post, kLoopback);
  assert_int_equal(r.status, 405);
  assert_string_equal(r.headers.at(0).value.c_str(), "GET");
  post = get("/aa/token?token_type=kbs");
  post.method = "HEAD";
  assert_int_equal(f.api.handle(post, kLoopback).status, 405);
  assert_int_equal(f.call("/").status, 404);
  assert_int_equal(f.call("/cdh/resource").status, 404);
  assert_int_equal(f.call("/cdh/other/a/b/c").status, 404);
  assert_int_equal(f.call("/aa/aael").status, 404);
  assert_int_equal(f.call("/aa/evidence/x").status, 404);
  assert_int_equal(f.backend.calls.load(), 0);
  r = f.call("/info");
  assert_int_equal(r.status, 200);
  assert_string_equal(r.content_type.c_str(), "application/json");
  bp::Json info = ASSERT_OK(bp::parse_json(body(r), 1000, 2));
  assert_string_equal(ASSERT_OK(info.get_string("feature")).c_str(), "all");
}

void test_features(void **) {
  bp::WorkloadApiFeatures only_resource = ASSERT_OK(bp::parse_workload_api_features("resource"));
  Fixture f(only_resource);
  assert_int_equal(f.call("/cdh/resource/default/key/1").status, 200);
  bp::HttpReply r = f.call("/aa/token?token_type=kbs");
  assert_int_equal(r.status, 404);
  assert_string_equal(body(r).c_str(), "Attestation Feature Not Enabled\n");
  assert_int_equal(f.call("/aa/evidence?runtime_data=x").status, 404);
  bp::WorkloadApiFeatures attestation = ASSERT_OK(bp::parse_workload_api_features("evidence,token"));
  Fixture g(attestation);
  assert_string_equal(body(g.call("/cdh/resource/default/key/1")).c_str(), "Resource Feature Not Enabled\n");
  assert_string_equal(bp::workload_api_features_text(attestation).c_str(), "evidence,token");
  assert_string_equal(
      bp::workload_api_features_text(ASSERT_OK(bp::parse_workload_api_features("all"))).c_str(), "all");
  ASSERT_ERROR_CONTAINS(bp::parse_workload_api_features("resource,exec"),
                        "unknown workload API feature 'exec'");
  ASSERT_ERROR_CONTAINS(bp::parse_workload_api_features(""), "unknown workload API feature ''");
}

void test_evidence_binds_runtime_data_like_coco(void **) {
  Fixture f;
  // Raw: the query value's bytes (form-decoded), zero-padded to 64.
  bp::HttpReply r = f.call("/aa/evidence?runtime_data=ab+c%21");
  assert_int_equal(r.status, 200);
  assert_string_equal(r.content_type.c_str(), "application/octet-stream");
  assert_string_equal(f.backend.last_report_data_hex.c_str(),
                      ("6162206321" + std::string(118, '0')).c_str());  // "ab c!"
  // base64: URL-safe, decoded.
  assert_int_equal(f.call("/aa/evidence?runtime_data=_-8&encoding=base64").status, 200);
  assert_string_equal(f.backend.last_report_data_hex.c_str(), ("ffef" + std::string(124, '0')).c_str());
  // Exactly 64 bytes fit; 65 do not.
  assert_int_equal(f.call("/aa/evidence?runtime_data=" + std::string(64, 'x')).status, 200);
  assert_string_equal(f.backend.last_report_data_hex.c_str(),
                      bp::hex_encode(bp::ByteView::of_string(std::string(64, 'x'))).c_str());
  bp::HttpReply too_long = f.call("/aa/evidence?runtime_data=" + std::string(65, 'x'));
  assert_int_equal(too_long.status, 400);
  assert_non_null(strstr(body(too_long).c_str(), "65 bytes"));
  assert_int_equal(f.call("/aa/evidence").status, 400);
  assert_int_equal(f.call("/aa/evidence?runtime=x").status, 400);
  assert_int_equal(f.call("/aa/evidence?runtime_data=x&encoding=hex").status, 400);
  assert_int_equal(f.call("/aa/evidence?runtime_data=!!&encoding=base64").status, 400);
  assert_int_equal(f.call("/aa/evidence?runtime_data=%zz").status, 400);
  assert_int_equal(f.call("/aa/evidence?runtime_data=a&runtime_data=b").status, 400);
  // Empty runtime data is 64 zero bytes.
  assert_int_equal(f.call("/aa/evidence?runtime_data=").status, 200);
  assert_string_equal(f.backend.last_report_data_hex.c_str(), std::string(128, '0').c_str());
  f.backend.fail = true;
  assert_int_equal(f.call("/aa/evidence?runtime_data=x").status, 500);
}

void test_token(void **) {
  Fixture f;
  bp::HttpReply r = f.call("/aa/token?token_type=kbs");
  assert_int_equal(r.status, 200);
  assert_false(r.secret_body.empty());
  bp::Json json = ASSERT_OK(bp::parse_json(body(r), 10000, 2));
  assert_string_equal(ASSERT_OK(json.get_string("token")).c_str(), f.backend.token.c_str());
  assert_string_equal(ASSERT_OK(json.get_string("tee_keypair")).c_str(), f.backend.key_pem.c_str());
  ASSERT_OK(json.only_keys({"token", "tee_keypair"}));
  assert_int_equal(f.call("/aa/token").status, 400);
  assert_int_equal(f.call("/aa/token?token_type=coco_as").status, 400);
  f.backend.fail = true;
  assert_int_equal(f.call("/aa/token?token_type=kbs").status, 500);
}

void test_token_json_escaping(void **) {
  bp::KbsToken token;
  token.token = "a\"b";
  token.tee_keypair_pem =
      ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string(std::string("\x01\n\t\\", 4))));
  bp::SecretBytes json = ASSERT_OK(bp::token_response_json(token));
  assert_string_equal(std::string(json.view().as_string_view()).c_str(),
                      "{\"token\":\"a\\\"b\",\"tee_keypair\":\"\\u0001\\n\\t\\\\\"}");
}

void test_through_the_server(void **) {
  Fixture f;
  test::RunningServer s(
      [&f](const bp::ParsedHttpRequest &r, const bp::SocketAddress &p) { return f.api.handle(r, p); }, {});
  std::string r = test::get(s.port, "/cdh/resource/default/key/1");
  assert_int_equal(test::status_of(r), 200);
  assert_string_equal(test::body_of(r).c_str(), "12345678901234567890");
  assert_string_equal(test::header_of(r, "Content-Type").c_str(), "application/octet-stream");
  // Raw traversal in the request target, as a client could send it.
  assert_int_equal(test::status_of(test::get(s.port, "/cdh/resource/../../../etc/shadow")), 400);
  assert_int_equal(test::status_of(test::get(s.port, "/cdh/resource/default/key/%2e%2e%2f%2e%2e")), 400);
  assert_int_equal(test::status_of(test::get(s.port, "/cdh/resource/buckypaper/disk/root")), 403);
  assert_int_equal(f.backend.calls.load(), 1);
}

}  // namespace

RUN_TESTS("workload_api", cmocka_unit_test(test_resource), cmocka_unit_test(test_path_traversal),
          cmocka_unit_test(test_boot_only_is_never_served), cmocka_unit_test(test_loopback_only),
          cmocka_unit_test(test_methods_and_unknown_urls), cmocka_unit_test(test_features),
          cmocka_unit_test(test_evidence_binds_runtime_data_like_coco), cmocka_unit_test(test_token),
          cmocka_unit_test(test_token_json_escaping), cmocka_unit_test(test_through_the_server))
