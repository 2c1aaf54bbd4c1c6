// The host channel's request handling: the policy decides before anything
// else, set-policy is always refused, and every op's reply.
#include <string>

#include "agent/host_ops.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/json/json_parse.h"
#include "tests/unit/http/loopback_client.h"

namespace {

const char kProduction[] = "{\"version\":1,\"name\":\"production\",\"allow\":[\"status\",\"shutdown\"]}";
const char kDebug[] =
    "{\"version\":1,\"name\":\"debug\",\"allow\":[\"status\",\"shutdown\",\"exec\",\"logs\"]}";

struct Fixture {
  bp::TempDir dir = bp::TempDir::create().release_value();
  int shutdowns = 0;
  bp::HostDispatcher dispatcher;

  explicit Fixture(const char *policy)
      : dispatcher(bp::parse_host_policy(policy).release_value(), config(), test::quiet_log()) {}

  bp::HostOpsConfig config() {
    bp::HostOpsConfig c;
    c.status_file = dir.file("status.json");
    c.log_file = dir.file("workload.log");
    c.request_shutdown = [this]() -> bp::Status {
      ++shutdowns;
      return {};
    };
    return c;
  }

  std::string reply(const std::string &line) {
    bp::HostDispatch d = dispatcher.handle(line, "test");
    assert_false(d.exec.has_value());
    assert_true(!d.reply.empty() && d.reply.back() == '\n');
    return d.reply.substr(0, d.reply.size() - 1);
  }
};

void test_production_denies_exec_logs_and_set_policy(void **) {
  Fixture f(kProduction);
  assert_string_equal(f.reply("{\"op\":\"exec\",\"argv\":[\"/bin/sh\"]}").c_str(),
                      "{\"ok\":false,\"error\":\"denied by policy: exec\"}");
  assert_string_equal(f.reply("{\"op\":\"logs\",\"id\":7}").c_str(),
                      "{\"ok\":false,\"id\":7,\"error\":\"denied by policy: logs\"}");
  // Denied before the arguments are looked at.
  assert_string_equal(f.reply("{\"op\":\"exec\",\"argv\":42,\"junk\":true}").c_str(),
                      "{\"ok\":false,\"error\":\"denied by policy: exec\"}");
  std::string set = f.reply("{\"op\":\"set-policy\",\"policy\":\"allow-all\"}");
  assert_non_null(strstr(set.c_str(), "\"ok\":false"));
  assert_non_null(strstr(set.c_str(), "set-policy is never allowed"));
}

void test_debug_still_refuses_set_policy(void **) {
  Fixture f(kDebug);
  std::string set = f.reply("{\"op\":\"set-policy\"}");
  assert_non_null(strstr(set.c_str(), "set-policy is never allowed"));
  bp::HostDispatch d =
      f.dispatcher.handle("{\"op\":\"exec\",\"argv\":[\"ls\",\"-l\"],\"timeout_ms\":500,\"id\":\"x\"}", "t");
  assert_true(d.exec.has_value());
  assert_int_equal(d.exec->argv.size(), 2);
  assert_int_equal(d.exec->timeout_ms, 500);
  assert_int_equal(d.exec->max_output, bp::kMaxExecOutput);
  assert_string_equal(ASSERT_OK(d.id->as_string()).c_str(), "x");
  // Replies to exec results.
  bp::CommandResult result;
  result.exit_code = 3;
  result.output = {'h', 'i', 0xff, '\n'};
  assert_string_equal(
      f.dispatcher.exec_reply(d.id, result).c_str(),
      "{\"ok\":true,\"id\":\"x\",\"exit_code\":3,\"timed_out\":false,\"output\":\"hi\xef\xbf\xbd\\n\","
      "\"truncated\":false}\n");
  assert_string_equal(f.dispatcher.exec_reply(d.id, bp::Error("exec: nope")).c_str(),
                      "{\"ok\":false,\"id\":\"x\",\"error\":\"exec: nope\"}\n");
}

void test_exec_arguments(void **) {
  Fixture f(kDebug);
  auto error_of = [&f](const std::string &line) {
    bp::HostDispatch d = f.dispatcher.handle(line, "t");
    assert_false(d.exec.has_value());
    return d.reply;
  };
  assert_non_null(strstr(error_of("{\"op\":\"exec\"}").c_str(), "$.argv: missing"));
  assert_non_null(strstr(error_of("{\"op\":\"exec\",\"argv\":[]}").c_str(), "1..64 arguments"));
  assert_non_null(strstr(error_of("{\"op\":\"exec\",\"argv\":[\"\"]}").c_str(), "the command is empty"));
  assert_non_null(strstr(error_of("{\"op\":\"exec\",\"argv\":[1]}").c_str(), "$.argv[0]"));
  assert_non_null(
      strstr(error_of("{\"op\":\"exec\",\"argv\":[\"ls\"],\"timeout_ms\":60001}").c_str(), "timeout_ms"));
  assert_non_null(
      strstr(error_of("{\"op\":\"exec\",\"argv\":[\"ls\"],\"timeout_ms\":0}").c_str(), "timeout_ms"));
  assert_non_null(strstr(error_of("{\"op\":\"exec\",\"argv\":[\"ls\"],\"env\":[]}").c_str(), "$.env"));
  std::string many = "{\"op\":\"exec\",\"argv\":[\"" + std::string(17000, 'a') + "\"]}";
  assert_non_null(strstr(error_of(many).c_str(), "more than 16384 bytes"));
}

void test_status(void **) {
  Fixture f(kProduction);
  // Before bp-init wrote the file: still an answer, saying why there is no boot status.
  std::string r = f.reply("{\"op\":\"status\",\"id\":1}");
  bp::Json json = ASSERT_OK(bp::parse_json(r, 100000, 5));
  assert_true(ASSERT_OK(json.get_bool("ok")));
  assert_true(ASSERT_OK(json.member("boot")).is_null());
  assert_non_null(strstr(ASSERT_OK(json.get_string("boot_error")).c_str(), "No such file"));
  assert_string_equal(ASSERT_OK(json.object("agent").get_string("policy")).c_str(), "production");
  std::vector<std::string> allow = ASSERT_OK(json.object("agent").get_strings("allow"));
  assert_int_equal(allow.size(), 2);

  ASSERT_OK(bp::write_file_atomic(
      f.dir.file("status.json"),
      bp::ByteView::of_string(
          "{\"version\":1,\"flavour\":\"production\",\"updated_ms\":9,\"stages\":[{\"name\":\"early\","
          "\"state\":\"done\",\"start_ms\":1,\"end_ms\":2}],\"workload\":{\"state\":\"exited\","
          "\"pid\":5,\"started_ms\":3,\"exited_ms\":8,\"exit_code\":0}}")));
  json = ASSERT_OK(bp::parse_json(f.reply("{\"op\":\"status\"}"), 100000, 5));
  assert_int_equal(ASSERT_OK(json.object("boot").object("workload").get_u64("exit_code")), 0);
  assert_string_equal(ASSERT_OK(json.object("boot").array("stages").at(0).get_string("name")).c_str(),
                      "early");
  assert_false(json.has("boot_error"));
  // Unknown arguments are refused.
  assert_non_null(strstr(f.reply("{\"op\":\"status\",\"verbose\":true}").c_str(), "$.verbose"));
}

void test_shutdown(void **) {
  Fixture f(kProduction);
  assert_string_equal(f.reply("{\"op\":\"shutdown\",\"id\":2}").c_str(),
                      "{\"ok\":true,\"id\":2,\"shutting_down\":true}");
  assert_int_equal(f.shutdowns, 1);
  assert_non_null(strstr(f.reply("{\"op\":\"shutdown\",\"force\":true}").c_str(), "$.force"));
  assert_int_equal(f.shutdowns, 1);
}

void test_logs(void **) {
  Fixture f(kDebug);
  assert_non_null(strstr(f.reply("{\"op\":\"logs\"}").c_str(), "logs: open"));
  std::string log;
  for (int i = 0; i < 2000; ++i) log += "line " + std::to_string(i) + "\n";
  ASSERT_OK(bp::write_file_atomic(f.dir.file("workload.log"), bp::ByteView::of_string(log)));
  bp::Json json = ASSERT_OK(bp::parse_json(f.reply("{\"op\":\"logs\",\"max_bytes\":20}"), 100000, 2));
  assert_string_equal(ASSERT_OK(json.get_string("log")).c_str(), "line 1999\n");  // whole lines only
  assert_true(ASSERT_OK(json.get_bool("truncated")));
  json = ASSERT_OK(bp::parse_json(f.reply("{\"op\":\"logs\"}"), 100000, 2));
  assert_int_equal(ASSERT_OK(json.get_string("log")).size() <= bp::kDefaultLogsBytes, 1);
  assert_non_null(strstr(f.reply("{\"op\":\"logs\",\"max_bytes\":65537}").c_str(), "$.max_bytes"));
}

void test_malformed_requests(void **) {
  Fixture f(kDebug);
  assert_non_null(strstr(f.reply("not json").c_str(), "malformed request: invalid JSON"));
  assert_non_null(strstr(f.reply("[\"status\"]").c_str(), "expected a JSON object"));
  assert_non_null(strstr(f.reply("{}").c_str(), "$.op: missing"));
  assert_non_null(strstr(f.reply("{\"op\":5}").c_str(), "$.op"));
  assert_string_equal(f.reply("{\"op\":\"reboot\",\"id\":\"r\"}").c_str(),
                      "{\"ok\":false,\"id\":\"r\",\"error\":\"unknown op 'reboot' (expected status, "
                      "shutdown, exec, logs)\"}");
  std::string long_op = f.reply("{\"op\":\"" + std::string(1000, 'x') + "\"}");
  assert_true(long_op.size() < 200);  // the host's text is not echoed at length
  assert_non_null(strstr(f.reply("{\"op\":\"status\",\"id\":{\"a\":1}}").c_str(), "$.id: expected a string"));
  assert_non_null(
      strstr(f.reply("{\"op\":\"status\",\"id\":\"" + std::string(200, 'i') + "\"}").c_str(), "$.id"));
  assert_non_null(strstr(f.reply("{\"op\":\"status\",\"op\":\"exec\"}").c_str(), "malformed request"));
  assert_non_null(strstr(f.reply("{\"a\":[[[[[[[[1]]]]]]]]}").c_str(), "malformed request"));
  assert_non_null(strstr(f.reply("{\"op\":\"status\"} {}").c_str(), "malformed request"));
}

}  // namespace

RUN_TESTS("host_ops", cmocka_unit_test(test_production_denies_exec_logs_and_set_policy),
          cmocka_unit_test(test_debug_still_refuses_set_policy), cmocka_unit_test(test_exec_arguments),
          cmocka_unit_test(test_status), cmocka_unit_test(test_shutdown), cmocka_unit_test(test_logs),
          cmocka_unit_test(test_malformed_requests))
