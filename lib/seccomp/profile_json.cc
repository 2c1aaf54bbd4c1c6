#include "lib/seccomp/profile_json.h"

#include <stdint.h>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/json/json_parse.h"

namespace bp {
namespace {

constexpr size_t kMaxDepth = 8;

Result<SeccompAction> action_of(const Json &object) {
  Json value = TRY(object.member("action"));
  std::string name = TRY(value.as_string());
  return TRY_CONTEXT(parse_seccomp_action(name), value.path());
}

Result<std::optional<uint32_t>> errno_of(const Json &object, const char *key, SeccompAction action) {
  std::optional<Json> value = TRY(object.optional_member(key));
  if (!value) return std::optional<uint32_t>();
  uint32_t number = static_cast<uint32_t>(TRY(value->as_u64(UINT32_MAX)));
  TRY_CONTEXT(check_seccomp_errno(action, number), value->path());
  return std::optional<uint32_t>(number);
}

Result<SeccompArg> parse_arg(const Json &object) {
  TRY(object.only_keys({"index", "value", "valueTwo", "op"}));
  SeccompArg arg;
  arg.index = static_cast<uint32_t>(TRY(object.get_u64("index", 5)));
  arg.value = TRY(object.get_u64("value"));
  Json op = TRY(object.member("op"));
  arg.op = TRY_CONTEXT(parse_seccomp_operator(TRY(op.as_string())), op.path());
  std::optional<Json> value_two = TRY(object.optional_member("valueTwo"));
  if (value_two) {
    arg.value_two = TRY(value_two->as_u64());
    if (arg.value_two != 0 && arg.op != SeccompOperator::masked_equal)
      return Error(format("%s: only SCMP_CMP_MASKED_EQ uses valueTwo, not %s", value_two->path().c_str(),
                          seccomp_operator_name(arg.op)));
  }
  return arg;
}

Result<SeccompRule> parse_rule(const Json &object) {
  TRY(object.only_keys({"names", "action", "errnoRet", "args"}));
  SeccompRule rule;
  Json names = TRY(object.array("names"));
  rule.names = TRY(names.as_strings());
  if (rule.names.empty()) return Error(names.path() + ": at least one syscall name is required");
  for (size_t i = 0; i < rule.names.size(); ++i) {
    if (rule.names[i].empty()) return Error(format("%s[%zu]: empty syscall name", names.path().c_str(), i));
  }
  rule.action = TRY(action_of(object));
  rule.errno_ret = TRY(errno_of(object, "errnoRet", rule.action));
  std::optional<Json> args = TRY(object.optional_array("args"));
  if (args) {
    for (const Json &arg : TRY(args->elements())) rule.args.push_back(TRY(parse_arg(arg)));
  }
  return rule;
}

template <typename T>
Result<std::vector<T>> parse_names(const Json &object, const char *key,
                                   Result<T> (*parse)(std::string_view)) {
  std::vector<T> out;
  std::optional<Json> array = TRY(object.optional_array(key));
  if (!array) return out;
  for (const Json &element : TRY(array->elements())) {
    std::string name = TRY(element.as_string());
    out.push_back(TRY_CONTEXT(parse(name), element.path()));
  }
  return out;
}

}  // namespace

Result<SeccompProfile> parse_seccomp_profile(const Json &object) {
  for (const char *key : {"listenerPath", "listenerMetadata"}) {
    if (object.has(key))
      return Error(format("%s: not supported: the guest runs no seccomp notification agent",
                          TRY(object.member(key)).path().c_str()));
  }
  TRY(object.only_keys({"defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls"}));
  SeccompProfile profile;
  Json action = TRY(object.member("defaultAction"));
  profile.default_action = TRY_CONTEXT(parse_seccomp_action(TRY(action.as_string())), action.path());
  profile.default_errno_ret = TRY(errno_of(object, "defaultErrnoRet", profile.default_action));
  profile.architectures = TRY(parse_names<SeccompArch>(object, "architectures", parse_seccomp_arch));
  profile.flags = TRY(parse_names<SeccompFlag>(object, "flags", parse_seccomp_flag));
  std::optional<Json> syscalls = TRY(object.optional_array("syscalls"));
  if (syscalls) {
    for (const Json &rule : TRY(syscalls->elements())) profile.syscalls.push_back(TRY(parse_rule(rule)));
  }
  return profile;
}

Result<SeccompProfile> load_seccomp_profile(const std::string &path) {
  std::string text = TRY(read_text_file(path, kMaxSeccompProfileBytes));
  Json object = TRY_CONTEXT(parse_json(text, kMaxSeccompProfileBytes, kMaxDepth), path);
  return TRY_CONTEXT(parse_seccomp_profile(object), path);
}

}  // namespace bp
