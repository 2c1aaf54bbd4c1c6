// The OCI linux.seccomp object: every field read into the typed profile, and
// every bad value refused with the field's JSON path.
#include <errno.h>

#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/json/json_parse.h"
#include "lib/seccomp/profile_json.h"
#include "tests/unit/test_support.h"

namespace {

using bp::SeccompAction;
using bp::SeccompOperator;

bp::Result<bp::SeccompProfile> parse(const std::string &text) {
  bp::Json json = TRY(bp::parse_json(text, 1 << 16, 8));
  return bp::parse_seccomp_profile(json);
}

void test_every_field(void **) {
  bp::SeccompProfile p = ASSERT_OK(parse(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 13,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [
      {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95, "args": [
        {"index": 0, "value": 1, "op": "SCMP_CMP_NE"},
        {"index": 1, "value": 2, "op": "SCMP_CMP_LT"},
        {"index": 2, "value": 3, "op": "SCMP_CMP_LE"},
        {"index": 3, "value": 4, "valueTwo": 0, "op": "SCMP_CMP_EQ"},
        {"index": 4, "value": 5, "op": "SCMP_CMP_GE"},
        {"index": 5, "value": 9223372036854775807, "op": "SCMP_CMP_GT"},
        {"index": 0, "value": 240, "valueTwo": 48, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["getuid"], "action": "SCMP_ACT_TRACE", "errnoRet": 65535},
      {"names": ["a"], "action": "SCMP_ACT_KILL"},
      {"names": ["b"], "action": "SCMP_ACT_KILL_THREAD"},
      {"names": ["c"], "action": "SCMP_ACT_KILL_PROCESS"},
      {"names": ["d"], "action": "SCMP_ACT_TRAP"},
      {"names": ["e"], "action": "SCMP_ACT_LOG"},
      {"names": ["f"], "action": "SCMP_ACT_TRACE"}
    ]})"));
  assert_true(p.default_action == SeccompAction::errno_return);
  assert_int_equal(p.default_errno_ret.value_or(0), 13);
  assert_int_equal(p.architectures.size(), 3);
  assert_true(p.architectures[1] == bp::SeccompArch::x86);
  assert_true(p.architectures[2] == bp::SeccompArch::x32);
  assert_int_equal(p.flags.size(), 2);
  assert_true(p.flags[1] == bp::SeccompFlag::log);
  assert_int_equal(p.syscalls.size(), 9);
  assert_int_equal(p.syscalls[0].names.size(), 2);
  assert_string_equal(p.syscalls[0].names[1].c_str(), "write");
  assert_false(p.syscalls[0].errno_ret.has_value());
  const bp::SeccompRule &r = p.syscalls[1];
  assert_true(r.action == SeccompAction::errno_return);
  assert_int_equal(r.errno_ret.value_or(0), 95);
  assert_int_equal(r.args.size(), 7);
  const SeccompOperator ops[] = {SeccompOperator::not_equal,     SeccompOperator::less,
                                 SeccompOperator::less_equal,    SeccompOperator::equal,
                                 SeccompOperator::greater_equal, SeccompOperator::greater,
                                 SeccompOperator::masked_equal};
  for (size_t i = 0; i < 7; ++i) assert_true(r.args[i].op == ops[i]);
  assert_int_equal(r.args[5].index, 5);
  assert_int_equal(r.args[5].value, 9223372036854775807ULL);
  assert_int_equal(r.args[6].value, 240);
  assert_int_equal(r.args[6].value_two, 48);
  assert_int_equal(p.syscalls[2].errno_ret.value_or(0), 65535);
  const SeccompAction actions[] = {SeccompAction::kill_thread,  SeccompAction::kill_thread,
                                   SeccompAction::kill_process, SeccompAction::trap,
                                   SeccompAction::log,          SeccompAction::trace};
  for (size_t i = 0; i < 6; ++i) assert_true(p.syscalls[3 + i].action == actions[i]);
}

void test_minimal(void **) {
  bp::SeccompProfile p = ASSERT_OK(parse(R"({"defaultAction": "SCMP_ACT_ALLOW"})"));
  assert_true(p.default_action == SeccompAction::allow);
  assert_false(p.default_errno_ret.has_value());
  assert_true(p.architectures.empty());
  assert_true(p.flags.empty());
  assert_true(p.syscalls.empty());
}

struct Bad {
  const char *json;
  const char *error;
};

// A rule inside an otherwise valid profile.
std::string with_rule(const char *rule) {
  return std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)") + rule + "]}";
}

void test_bad_top_level(void **) {
  const Bad cases[] = {
      {"[]", "$: expected an object, got array"},
      {"{}", "$.defaultAction: missing"},
      {R"({"defaultAction": 1})", "$.defaultAction: expected a string, got integer"},
      {R"({"defaultAction": "ALLOW"})", "$.defaultAction: unknown seccomp action \"ALLOW\""},
      {R"({"defaultAction": "SCMP_ACT_NOTIFY"})",
       "$.defaultAction: seccomp action SCMP_ACT_NOTIFY is not supported"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1})",
       "$.defaultErrnoRet: an errno is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not with "
       "SCMP_ACT_ALLOW"},
      {R"({"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 1})", "not with SCMP_ACT_KILL_THREAD"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1})",
       "$.defaultErrnoRet: expected an unsigned integer, got -1"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 5000})",
       "$.defaultErrnoRet: errno 5000 is out of range"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4294967296})",
       "$.defaultErrnoRet: expected an unsigned integer of at most 4294967295"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": "1"})",
       "$.defaultErrnoRet: expected an unsigned"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": "SCMP_ARCH_X86_64"})",
       "$.architectures: expected an array"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_AARCH64"]})",
       "$.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_AARCH64\""},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": [1]})",
       "$.architectures[0]: expected a string"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]})",
       "$.flags[0]: seccomp flag SECCOMP_FILTER_FLAG_SPEC_ALLOW is not supported"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]})",
       "$.flags[0]: seccomp flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "flags": ["TSYNC"]})",
       "$.flags[0]: unknown seccomp flag \"TSYNC\""},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "listenerPath": "/run/agent.sock"})",
       "$.listenerPath: not supported: the guest runs no seccomp notification agent"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "listenerMetadata": "x"})",
       "$.listenerMetadata: not supported"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": []})", "unknown key $.archMap"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": {}})", "$.syscalls: expected an array"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [1]})", "$.syscalls[0]: expected an object"},
  };
  for (const Bad &c : cases) ASSERT_ERROR_CONTAINS(parse(c.json), c.error);
}

void test_bad_rules(void **) {
  const Bad cases[] = {
      {R"({"action": "SCMP_ACT_ALLOW"})", "$.syscalls[0].names: missing"},
      {R"({"names": [], "action": "SCMP_ACT_ALLOW"})",
       "$.syscalls[0].names: at least one syscall name is required"},
      {R"({"names": "read", "action": "SCMP_ACT_ALLOW"})", "$.syscalls[0].names: expected an array"},
      {R"({"names": ["read", ""], "action": "SCMP_ACT_ALLOW"})",
       "$.syscalls[0].names[1]: empty syscall name"},
      {R"({"names": [1], "action": "SCMP_ACT_ALLOW"})", "$.syscalls[0].names[0]: expected a string"},
      {R"({"name": "read", "names": ["read"], "action": "SCMP_ACT_ALLOW"})",
       "unknown key $.syscalls[0].name"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": ""})",
       "unknown key $.syscalls[0].comment"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {}})",
       "unknown key $.syscalls[0].includes"},
      {R"({"names": ["read"]})", "$.syscalls[0].action: missing"},
      {R"({"names": ["read"], "action": "SCMP_ACT_NOTIFY"})",
       "$.syscalls[0].action: seccomp action SCMP_ACT_NOTIFY"},
      {R"({"names": ["read"], "action": true})", "$.syscalls[0].action: expected a string"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1})",
       "$.syscalls[0].errnoRet: an errno is only valid"},
      {R"({"names": ["read"], "action": "SCMP_ACT_LOG", "errnoRet": 1})", "not with SCMP_ACT_LOG"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4096})",
       "$.syscalls[0].errnoRet: errno 4096"},
      {R"({"names": ["read"], "action": "SCMP_ACT_TRACE", "errnoRet": 70000})",
       "$.syscalls[0].errnoRet: trace message 70000 is out of range"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": {}})",
       "$.syscalls[0].args: expected an array"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"value": 1, "op": "SCMP_CMP_EQ"}]})",
       "$.syscalls[0].args[0].index: missing"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]})",
       "$.syscalls[0].args[0].index: expected an unsigned integer of at most 5, got 6"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ"}]})",
       "$.syscalls[0].args[0].value: missing"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]})",
       "$.syscalls[0].args[0].value: expected an unsigned integer, got -1"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": "1", "op": "SCMP_CMP_EQ"}]})",
       "$.syscalls[0].args[0].value: expected an unsigned integer, got string"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1}]})",
       "$.syscalls[0].args[0].op: missing"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "EQ"}]})",
       "$.syscalls[0].args[0].op: unknown seccomp operator \"EQ\""},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW",
           "args": [{"index": 0, "value": 1, "valueTwo": 3, "op": "SCMP_CMP_EQ"}]})",
       "$.syscalls[0].args[0].valueTwo: only SCMP_CMP_MASKED_EQ uses valueTwo, not SCMP_CMP_EQ"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW",
           "args": [{"index": 0, "value": 1, "valueTwo": -3, "op": "SCMP_CMP_MASKED_EQ"}]})",
       "$.syscalls[0].args[0].valueTwo: expected an unsigned integer"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW",
           "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "mask": 1}]})",
       "unknown key $.syscalls[0].args[0].mask"},
      {R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [7]})",
       "$.syscalls[0].args[0]: expected an object"},
  };
  for (const Bad &c : cases) ASSERT_ERROR_CONTAINS(parse(with_rule(c.json)), c.error);
}

void test_load_from_file(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-seccomp"));
  std::string good = dir.file("good.json");
  ASSERT_OK(
      bp::write_file_atomic(good, bp::ByteView::of_string(R"({"defaultAction": "SCMP_ACT_KILL_PROCESS"})")));
  bp::SeccompProfile p = ASSERT_OK(bp::load_seccomp_profile(good));
  assert_true(p.default_action == SeccompAction::kill_process);

  std::string bad = dir.file("bad.json");
  ASSERT_OK(bp::write_file_atomic(bad, bp::ByteView::of_string(R"({"defaultAction": "SCMP_ACT_KILL",})")));
  ASSERT_ERROR_CONTAINS(bp::load_seccomp_profile(bad), "bad.json");
  std::string wrong = dir.file("wrong.json");
  ASSERT_OK(bp::write_file_atomic(wrong, bp::ByteView::of_string(R"({"defaultAction": "x"})")));
  ASSERT_ERROR_CONTAINS(bp::load_seccomp_profile(wrong),
                        "wrong.json: $.defaultAction: unknown seccomp action");
  ASSERT_ERROR_CONTAINS(bp::load_seccomp_profile(dir.file("missing.json")), "missing.json");
}

}  // namespace

RUN_TESTS("seccomp/profile_json", cmocka_unit_test(test_every_field), cmocka_unit_test(test_minimal),
          cmocka_unit_test(test_bad_top_level), cmocka_unit_test(test_bad_rules),
          cmocka_unit_test(test_load_from_file))
