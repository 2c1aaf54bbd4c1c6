#include "lib/oci/spec_json.h"

#include <limits.h>
#include <stdint.h>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/json/json_parse.h"
#include "lib/oci/capabilities.h"
#include "lib/oci/mounts.h"
#include "lib/oci/rlimits.h"
#include "lib/seccomp/profile_json.h"

namespace bp {
namespace {

constexpr size_t kMaxDepth = 16;
constexpr size_t kMaxHostname = 64;  // HOST_NAME_MAX

// OCI fields this guest knows and refuses, with the reason.
struct Refusal {
  const char *key;
  const char *reason;
};

const Refusal kTopLevelRefused[] = {
    {"hooks", "the guest runs no OCI hooks"},
    {"domainname", "the workload has no NIS domain name"},
    {"windows", "this is a Linux guest"},
    {"solaris", "this is a Linux guest"},
    {"vm", "the workload runs in this VM, not in a nested one"},
    {"zos", "this is a Linux guest"},
};

const Refusal kProcessRefused[] = {
    {"consoleSize", "there is no terminal: output goes to the console line by line"},
    {"commandLine", "it is for Windows"},
    {"apparmorProfile", "the guest kernel has no AppArmor"},
    {"selinuxLabel", "the guest kernel has no SELinux"},
    {"ioPriority", "I/O priorities are not managed by this guest"},
    {"scheduler", "scheduling policies are not managed by this guest"},
    {"execCPUAffinity", "CPU affinity is not managed by this guest"},
};

const Refusal kUserRefused[] = {
    {"username", "it is for Windows"},
};

const Refusal kMountRefused[] = {
    {"uidMappings", "idmapped mounts are not supported"},
    {"gidMappings", "idmapped mounts are not supported"},
};

const Refusal kLinuxRefused[] = {
    {"uidMappings", "user namespaces are not supported"},
    {"gidMappings", "user namespaces are not supported"},
    {"timeOffsets", "time namespaces are not supported"},
    {"devices", "only the default devices are created in /dev"},
    {"resources", "there are no cgroup limits: the VM's size is the limit"},
    {"cgroupsPath", "there are no cgroups for the workload"},
    {"sysctl", "the workload cannot change kernel parameters"},
    {"rootfsPropagation", "every mount of the workload is private"},
    {"mountLabel", "the guest kernel has no SELinux"},
    {"intelRdt", "there is no Intel RDT in an SEV-SNP guest"},
    {"personality", "the execution domain is not changed"},
    {"memoryPolicy", "NUMA policies are not managed by this guest"},
};

template <size_t N>
Status refuse(const Json &object, const Refusal (&refusals)[N]) {
  if (!object.is_object()) return {};  // only_keys reports the type
  for (const Refusal &refusal : refusals) {
    if (object.has(refusal.key))
      return Error(
          format("%s: not supported: %s", TRY(object.member(refusal.key)).path().c_str(), refusal.reason));
  }
  return {};
}

Error at(const Json &value, const std::string &message) { return Error(value.path() + ": " + message); }

Status check_absolute(const Json &value, const std::string &path) {
  if (path != "/") TRY_CONTEXT(check_container_path(path), value.path());
  return {};
}

// ---- process ----

Result<uint64_t> capability_set(const Json &capabilities, const char *key) {
  std::optional<Json> array = TRY(capabilities.optional_array(key));
  uint64_t set = 0;
  if (!array) return set;
  for (const Json &element : TRY(array->elements())) {
    std::string name = TRY(element.as_string());
    int number = TRY_CONTEXT(capability_number(name), element.path());
    set |= uint64_t{1} << number;
  }
  return set;
}

Result<CapabilitySets> parse_capabilities(const Json &object) {
  TRY(object.only_keys({"bounding", "effective", "inheritable", "permitted", "ambient"}));
  CapabilitySets caps;
  caps.bounding = TRY(capability_set(object, "bounding"));
  caps.effective = TRY(capability_set(object, "effective"));
  caps.inheritable = TRY(capability_set(object, "inheritable"));
  caps.permitted = TRY(capability_set(object, "permitted"));
  caps.ambient = TRY(capability_set(object, "ambient"));
  // The kernel would refuse these at start; say so while parsing.
  if ((caps.effective & ~caps.permitted) != 0)
    return at(object, "effective capabilities must also be permitted");
  if ((caps.ambient & ~(caps.permitted & caps.inheritable)) != 0)
    return at(object, "ambient capabilities must also be permitted and inheritable");
  return caps;
}

Result<std::vector<ResourceLimit>> parse_rlimits(const Json &array) {
  std::vector<ResourceLimit> limits;
  for (const Json &element : TRY(array.elements())) {
    TRY(element.only_keys({"type", "soft", "hard"}));
    ResourceLimit limit;
    Json type = TRY(element.member("type"));
    limit.resource = TRY_CONTEXT(rlimit_resource(TRY(type.as_string())), type.path());
    limit.soft = TRY(element.get_u64("soft"));
    limit.hard = TRY(element.get_u64("hard"));
    if (limit.soft > limit.hard) return at(element, "soft limit above the hard limit");
    for (const ResourceLimit &earlier : limits) {
      if (earlier.resource == limit.resource) return at(type, "resource limit given twice");
    }
    limits.push_back(limit);
  }
  return limits;
}

Result<ProcessUser> parse_user(const Json &object) {
  TRY(refuse(object, kUserRefused));
  TRY(object.only_keys({"uid", "gid", "umask", "additionalGids"}));
  ProcessUser user;
  user.uid = static_cast<uint32_t>(TRY(object.get_u64("uid", UINT32_MAX)));
  user.gid = static_cast<uint32_t>(TRY(object.get_u64("gid", UINT32_MAX)));
  std::optional<uint64_t> umask = TRY(object.optional_u64("umask", 0777));
  if (umask) user.umask = static_cast<uint32_t>(*umask);
  std::optional<Json> groups = TRY(object.optional_array("additionalGids"));
  if (groups) {
    for (const Json &gid : TRY(groups->elements()))
      user.additional_gids.push_back(static_cast<uint32_t>(TRY(gid.as_u64(UINT32_MAX))));
  }
  return user;
}

Result<ProcessSpec> parse_process(const Json &object) {
  TRY(refuse(object, kProcessRefused));
  TRY(object.only_keys({"terminal", "user", "args", "env", "cwd", "capabilities", "rlimits",
                        "noNewPrivileges", "oomScoreAdj"}));
  ProcessSpec process;
  std::optional<bool> terminal = TRY(object.optional_bool("terminal"));
  if (terminal.value_or(false))
    return at(TRY(object.member("terminal")),
              "true is not supported: there is no terminal, output goes to the "
              "console line by line");
  std::optional<bool> no_new_privileges = TRY(object.optional_bool("noNewPrivileges"));
  if (no_new_privileges && !*no_new_privileges)
    return at(TRY(object.member("noNewPrivileges")),
              "false is not supported: the guest always sets no_new_privs before loading the seccomp filter");

  Json args = TRY(object.array("args"));
  process.args = TRY(args.as_strings());
  if (process.args.empty() || process.args[0].empty()) return at(args, "the program to run is missing");
  std::optional<Json> env = TRY(object.optional_array("env"));
  if (env) {
    for (const Json &element : TRY(env->elements())) {
      std::string var = TRY(element.as_string());
      size_t equals = var.find('=');
      if (equals == std::string::npos || equals == 0) return at(element, "expected NAME=value");
      process.env.push_back(std::move(var));
    }
  }
  Json cwd = TRY(object.member("cwd"));
  process.cwd = TRY(cwd.as_string());
  TRY(check_absolute(cwd, process.cwd));
  std::optional<Json> user = TRY(object.optional_object("user"));
  if (user) process.user = TRY(parse_user(*user));
  std::optional<Json> capabilities = TRY(object.optional_object("capabilities"));
  if (capabilities) process.capabilities = TRY(parse_capabilities(*capabilities));
  std::optional<Json> rlimits = TRY(object.optional_array("rlimits"));
  if (rlimits) process.rlimits = TRY(parse_rlimits(*rlimits));
  std::optional<Json> oom = TRY(object.optional_member("oomScoreAdj"));
  if (oom) {
    int64_t value = TRY(oom->as_i64());
    if (value < -1000 || value > 1000) return at(*oom, "expected -1000 to 1000");
    process.oom_score_adj = static_cast<int>(value);
  }
  return process;
}

// ---- mounts, root, linux ----

Result<std::vector<MountSpec>> parse_mounts(const Json &array) {
  std::vector<MountSpec> mounts;
  for (const Json &element : TRY(array.elements())) {
    TRY(refuse(element, kMountRefused));
    TRY(element.only_keys({"destination", "type", "source", "options"}));
    std::string destination = TRY(element.get_string("destination"));
    std::optional<std::string> type = TRY(element.optional_string("type"));
    std::optional<std::string> source = TRY(element.optional_string("source"));
    std::optional<Json> options_json = TRY(element.optional_array("options"));
    std::vector<std::string> options;
    if (options_json) options = TRY(options_json->as_strings());
    std::optional<std::string_view> type_view, source_view;
    if (type) type_view = *type;
    if (source) source_view = *source;
    mounts.push_back(TRY(make_mount(element.path(), type_view, source_view, destination, options)));
  }
  TRY(check_mount_order(array.path(), mounts));
  return mounts;
}

Status parse_namespaces(const Json &array, NamespaceSet &set) {
  for (const Json &element : TRY(array.elements())) {
    TRY(element.only_keys({"type", "path"}));
    if (element.has("path"))
      return at(TRY(element.member("path")), "joining an existing namespace is not supported");
    Json type_json = TRY(element.member("type"));
    std::string type = TRY(type_json.as_string());
    bool *flag = nullptr;
    if (type == "mount") flag = &set.mount;
    if (type == "uts") flag = &set.uts;
    if (type == "ipc") flag = &set.ipc;
    if (type == "pid") flag = &set.pid;
    if (type == "network")
      return at(type_json, "not supported: the workload shares the VM's network (the VM is the pod)");
    if (type == "user") return at(type_json, "not supported: user namespaces are not supported");
    if (type == "cgroup") return at(type_json, "not supported: there are no cgroups for the workload");
    if (type == "time") return at(type_json, "not supported: time namespaces are not supported");
    if (flag == nullptr) return at(type_json, format("unknown namespace type \"%s\"", type.c_str()));
    if (*flag) return at(type_json, "namespace listed twice");
    *flag = true;
  }
  if (!set.mount) return at(array, "a mount namespace is required (the workload gets its own mount table)");
  return {};
}

Result<std::vector<std::string>> parse_paths(const Json &array) {
  std::vector<std::string> paths;
  for (const Json &element : TRY(array.elements())) {
    std::string path = TRY(element.as_string());
    TRY_CONTEXT(check_container_path(path), element.path());
    paths.push_back(std::move(path));
  }
  return paths;
}

Status parse_linux(const Json &object, RuntimeSpec &spec) {
  TRY(refuse(object, kLinuxRefused));
  TRY(object.only_keys({"namespaces", "seccomp", "maskedPaths", "readonlyPaths"}));
  TRY(parse_namespaces(TRY(object.array("namespaces")), spec.namespaces));
  std::optional<Json> seccomp = TRY(object.optional_object("seccomp"));
  if (seccomp) spec.seccomp = TRY(parse_seccomp_profile(*seccomp));
  std::optional<Json> masked = TRY(object.optional_array("maskedPaths"));
  if (masked) spec.masked_paths = TRY(parse_paths(*masked));
  std::optional<Json> readonly = TRY(object.optional_array("readonlyPaths"));
  if (readonly) spec.readonly_paths = TRY(parse_paths(*readonly));
  return {};
}

Status parse_root(const Json &object, RuntimeSpec &spec) {
  TRY(object.only_keys({"path", "readonly"}));
  Json path = TRY(object.member("path"));
  spec.root_path = TRY(path.as_string());
  if (spec.root_path.empty()) return at(path, "empty path");
  spec.root_readonly = TRY(object.optional_bool("readonly")).value_or(false);
  return {};
}

Status check_version(const Json &value, const std::string &version) {
  for (const char *supported : {"1.0.", "1.1.", "1.2."}) {
    if (starts_with(version, supported)) return {};
  }
  return at(value, format("runtime-spec version \"%s\" is not supported (1.0.x to 1.2.x)", version.c_str()));
}

}  // namespace

Result<RuntimeSpec> parse_runtime_spec(const Json &root) {
  TRY(refuse(root, kTopLevelRefused));
  TRY(root.only_keys({"ociVersion", "root", "mounts", "process", "hostname", "annotations", "linux"}));
  RuntimeSpec spec;
  Json version = TRY(root.member("ociVersion"));
  spec.oci_version = TRY(version.as_string());
  TRY(check_version(version, spec.oci_version));
  TRY(parse_root(TRY(root.object("root")), spec));
  spec.process = TRY(parse_process(TRY(root.object("process"))));
  std::optional<Json> mounts = TRY(root.optional_array("mounts"));
  if (mounts) spec.mounts = TRY(parse_mounts(*mounts));
  TRY(parse_linux(TRY(root.object("linux")), spec));

  std::optional<Json> hostname = TRY(root.optional_member("hostname"));
  if (hostname) {
    std::string name = TRY(hostname->as_string());
    if (name.empty() || name.size() > kMaxHostname)
      return at(*hostname, format("expected 1 to %zu characters", kMaxHostname));
    if (!spec.namespaces.uts)
      return at(*hostname, "a hostname needs a \"uts\" namespace in linux.namespaces");
    spec.hostname = std::move(name);
  }
  std::optional<Json> annotations = TRY(root.optional_object("annotations"));
  if (annotations) {
    for (const JsonMember &member : TRY(annotations->members()))
      spec.annotations.emplace_back(member.key, TRY(member.value.as_string()));
  }
  return spec;
}

Result<RuntimeSpec> load_runtime_spec(const std::string &config_path) {
  std::string text = TRY(read_text_file(config_path, kMaxRuntimeSpecBytes));
  Json root = TRY_CONTEXT(parse_json(text, kMaxRuntimeSpecBytes, kMaxDepth), config_path);
  return TRY_CONTEXT(parse_runtime_spec(root), config_path);
}

}  // namespace bp
