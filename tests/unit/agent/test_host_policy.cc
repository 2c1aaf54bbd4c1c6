// The host channel policy: what the production and debug files allow, and
// every file that must be refused at load.
#include "agent/host_policy.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/test_support.h"

namespace {

using bp::HostOp;

void test_production_and_debug(void **) {
  bp::HostPolicy production = ASSERT_OK(
      bp::parse_host_policy("{\"version\":1,\"name\":\"production\",\"allow\":[\"status\",\"shutdown\"]}"));
  assert_string_equal(production.name().c_str(), "production");
  assert_true(production.allows(HostOp::status));
  assert_true(production.allows(HostOp::shutdown));
  assert_false(production.allows(HostOp::exec));
  assert_false(production.allows(HostOp::logs));
  assert_false(production.allows(HostOp::set_policy));

  bp::HostPolicy debug = ASSERT_OK(bp::parse_host_policy(
      "{\"version\":1,\"name\":\"debug\",\"allow\":[\"logs\",\"exec\",\"status\",\"shutdown\"]}"));
  assert_true(debug.allows(HostOp::exec));
  assert_true(debug.allows(HostOp::logs));
  assert_false(debug.allows(HostOp::set_policy));
  // Sorted into the enum's order, for stable status replies.
  assert_int_equal(debug.allowed().size(), 4);
  assert_int_equal(debug.allowed()[0], HostOp::status);

  bp::HostPolicy nothing = ASSERT_OK(bp::parse_host_policy("{\"version\":1,\"allow\":[]}"));
  assert_string_equal(nothing.name().c_str(), "unnamed");
  assert_false(nothing.allows(HostOp::status));
}

void test_set_policy_is_refused_at_load(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":[\"status\",\"set-policy\"]}"),
                        "$.allow[1]: set-policy can never be allowed");
}

void test_bad_files(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":[\"status\",\"reboot\"]}"),
                        "$.allow[1]: unknown operation 'reboot'");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":[\"status\",\"status\"]}"),
                        "listed twice");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":2,\"allow\":[]}"), "$.version");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"allow\":[]}"), "$.version");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1}"), "$.allow");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":\"status\"}"), "$.allow");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":[1]}"), "$.allow[0]");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":[],\"deny\":[]}"), "$.deny");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"name\":\"\",\"allow\":[]}"), "$.name");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("[]"), "object");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy("{\"version\":1,\"allow\":[\"status\"]"), "invalid JSON");
  ASSERT_ERROR_CONTAINS(bp::parse_host_policy(std::string(5000, ' ')), "4096");
}

void test_load_and_deny_all(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_ERROR_CONTAINS(bp::load_host_policy(dir.file("missing.json")), "No such file");
  ASSERT_OK(bp::write_file_atomic(
      dir.file("p.json"), bp::ByteView::of_string("{\"version\":1,\"allow\":[\"exec\",\"set-policy\"]}")));
  ASSERT_ERROR_CONTAINS(bp::load_host_policy(dir.file("p.json")), "p.json: $.allow[1]");
  bp::HostPolicy fallback = bp::HostPolicy::deny_all("p.json: broken");
  for (HostOp op : {HostOp::status, HostOp::shutdown, HostOp::exec, HostOp::logs, HostOp::set_policy})
    assert_false(fallback.allows(op));
  assert_string_equal(fallback.load_error().c_str(), "p.json: broken");
  assert_string_equal(bp::host_op_name(HostOp::set_policy), "set-policy");
  assert_int_equal(*bp::host_op_from_name("logs"), HostOp::logs);
  assert_false(bp::host_op_from_name("Logs").has_value());
}

}  // namespace

RUN_TESTS("host_policy", cmocka_unit_test(test_production_and_debug),
          cmocka_unit_test(test_set_policy_is_refused_at_load), cmocka_unit_test(test_bad_files),
          cmocka_unit_test(test_load_and_deny_all))
