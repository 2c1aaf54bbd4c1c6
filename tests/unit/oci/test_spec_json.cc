// config.json -> RuntimeSpec: a config using every supported field, and one
// bad value or unsupported field at a time, each refused with its JSON path.
#include <jansson.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "lib/core/file_io.h"
#include "lib/core/strings.h"
#include "lib/core/temp_dir.h"
#include "lib/json/json_parse.h"
#include "lib/oci/spec_json.h"
#include "tests/unit/test_support.h"

namespace {

const char kFull[] = R"({
  "ociVersion": "1.1.0",
  "root": {"path": "rootfs", "readonly": true},
  "process": {
    "terminal": false,
    "user": {"uid": 1000, "gid": 1001, "umask": 18, "additionalGids": [5, 6]},
    "args": ["/app/server", "--port", "8080"],
    "env": ["PATH=/usr/bin:/bin", "EMPTY="],
    "cwd": "/app",
    "capabilities": {
      "bounding": ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
      "effective": ["CAP_NET_BIND_SERVICE"],
      "inheritable": ["CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
      "ambient": ["CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 4096}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}],
    "noNewPrivileges": true,
    "oomScoreAdj": -500
  },
  "hostname": "pod",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/data", "type": "bind", "source": "/data", "options": ["rbind", "rw", "nosuid", "nodev", "rprivate"]}
  ],
  "annotations": {"org.example/owner": "city"},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
    "maskedPaths": ["/proc/kcore", "/proc/keys"],
    "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"],
    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
  }
})";

bp::Result<bp::RuntimeSpec> parse(const std::string &text) {
  bp::Json json = TRY(bp::parse_json(text, 1 << 20, 16));
  return bp::parse_runtime_spec(json);
}

// kFull with one change: the value (JSON text) at a dotted path ("mounts.3.type"),
// or the member removed when value is nullptr.
std::string edited(const char *path, const char *value) {
  json_t *root = json_loads(kFull, 0, nullptr);
  assert_non_null(root);
  std::vector<std::string_view> parts = bp::split(path, '.');
  json_t *parent = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    std::string part(parts[i]);
    parent = json_is_array(parent) ? json_array_get(parent, strtoul(part.c_str(), nullptr, 10))
                                   : json_object_get(parent, part.c_str());
    if (parent == nullptr) fail_msg("no %s in the test config", path);
  }
  std::string last(parts.back());
  if (value == nullptr) {
    if (json_object_del(parent, last.c_str()) != 0) fail_msg("cannot remove %s", path);
  } else {
    json_t *v = json_loads(value, JSON_DECODE_ANY, nullptr);
    if (v == nullptr) fail_msg("bad JSON in the test: %s", value);
    int rc = json_is_array(parent) ? json_array_set_new(parent, strtoul(last.c_str(), nullptr, 10), v)
                                   : json_object_set_new(parent, last.c_str(), v);
    if (rc != 0) fail_msg("cannot set %s", path);
  }
  char *text = json_dumps(root, JSON_COMPACT);
  std::string out(text);
  free(text);
  json_decref(root);
  return out;
}

void test_every_field(void **) {
  bp::RuntimeSpec spec = ASSERT_OK(parse(kFull));
  assert_string_equal(spec.oci_version.c_str(), "1.1.0");
  assert_string_equal(spec.root_path.c_str(), "rootfs");
  assert_true(spec.root_readonly);
  const bp::ProcessSpec &p = spec.process;
  assert_int_equal(p.user.uid, 1000);
  assert_int_equal(p.user.gid, 1001);
  assert_int_equal(p.user.umask.value_or(0), 18);
  assert_int_equal(p.user.additional_gids.size(), 2);
  assert_int_equal(p.user.additional_gids[1], 6);
  assert_int_equal(p.args.size(), 3);
  assert_string_equal(p.args[2].c_str(), "8080");
  assert_string_equal(p.env[1].c_str(), "EMPTY=");
  assert_string_equal(p.cwd.c_str(), "/app");
  assert_int_equal(p.capabilities.bounding, (1 << 10) | 1);
  assert_int_equal(p.capabilities.effective, 1 << 10);
  assert_int_equal(p.capabilities.inheritable, 1 << 10);
  assert_int_equal(p.capabilities.permitted, (1 << 10) | 1);
  assert_int_equal(p.capabilities.ambient, 1 << 10);
  assert_int_equal(p.rlimits.size(), 2);
  assert_int_equal(p.rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal(p.rlimits[0].soft, 1024);
  assert_int_equal(p.rlimits[0].hard, 4096);
  assert_int_equal(p.rlimits[1].resource, RLIMIT_CORE);
  assert_int_equal(p.oom_score_adj.value_or(0), -500);
  assert_string_equal(spec.hostname.value_or("").c_str(), "pod");

  assert_int_equal(spec.mounts.size(), 7);
  assert_true(spec.mounts[0].type == bp::MountType::proc);
  assert_int_equal(spec.mounts[0].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
  assert_true(spec.mounts[1].type == bp::MountType::tmpfs);
  assert_string_equal(spec.mounts[1].destination.c_str(), "/dev");
  assert_int_equal(spec.mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
  assert_string_equal(spec.mounts[1].data.c_str(), "mode=755,size=65536k");
  assert_true(spec.mounts[2].type == bp::MountType::devpts);
  assert_string_equal(spec.mounts[2].data.c_str(), "newinstance,ptmxmode=0666,mode=0620,gid=5");
  assert_true(spec.mounts[4].type == bp::MountType::mqueue);
  assert_true(spec.mounts[5].type == bp::MountType::sysfs);
  assert_int_equal(spec.mounts[5].flags & MS_RDONLY, MS_RDONLY);
  assert_true(spec.mounts[6].type == bp::MountType::data_bind);
  assert_int_equal(spec.mounts[6].flags, MS_BIND | MS_REC | MS_NOSUID | MS_NODEV);

  assert_true(spec.namespaces.mount && spec.namespaces.uts && spec.namespaces.ipc && spec.namespaces.pid);
  assert_int_equal(spec.masked_paths.size(), 2);
  assert_string_equal(spec.readonly_paths[1].c_str(), "/proc/sysrq-trigger");
  assert_true(spec.seccomp.has_value());
  assert_int_equal(spec.seccomp->syscalls.size(), 1);
  assert_int_equal(spec.annotations.size(), 1);
  assert_string_equal(spec.annotations[0].second.c_str(), "city");
}

void test_minimal(void **) {
  bp::RuntimeSpec spec = ASSERT_OK(parse(R"({"ociVersion": "1.0.2", "root": {"path": "/rootfs"},
      "process": {"args": ["sh"], "cwd": "/"}, "linux": {"namespaces": [{"type": "mount"}]}})"));
  assert_int_equal(spec.process.user.uid, 0);
  assert_false(spec.root_readonly);
  assert_false(spec.hostname.has_value());
  assert_false(spec.seccomp.has_value());
  assert_true(spec.mounts.empty());
  assert_int_equal(spec.process.capabilities.bounding, 0);
  assert_false(spec.namespaces.pid);
}

struct Bad {
  const char *path;
  const char *value;  // JSON text, or nullptr to remove the member
  const char *error;
};

const Bad kBad[] = {
    // top level
    {"ociVersion", nullptr, "$.ociVersion: missing"},
    {"ociVersion", "\"2.0.0\"", "$.ociVersion: runtime-spec version \"2.0.0\" is not supported"},
    {"ociVersion", "1", "$.ociVersion: expected a string"},
    {"extra", "1", "unknown key $.extra"},
    {"hooks", "{}", "$.hooks: not supported: the guest runs no OCI hooks"},
    {"domainname", "\"x\"", "$.domainname: not supported"},
    {"windows", "{}", "$.windows: not supported"},
    {"vm", "{}", "$.vm: not supported"},
    {"hostname", "\"\"", "$.hostname: expected 1 to 64 characters"},
    {"hostname", "5", "$.hostname: expected a string"},
    {"hostname", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "expected 1 to 64"},
    {"annotations", "{\"a\": 1}", "$.annotations.a: expected a string"},
    // root
    {"root", nullptr, "$.root: missing"},
    {"root.path", nullptr, "$.root.path: missing"},
    {"root.path", "\"\"", "$.root.path: empty path"},
    {"root.readonly", "\"yes\"", "$.root.readonly: expected a boolean"},
    {"root.extra", "1", "unknown key $.root.extra"},
    // process
    {"process", nullptr, "$.process: missing"},
    {"process.terminal", "true", "$.process.terminal: true is not supported"},
    {"process.terminal", "1", "$.process.terminal: expected a boolean"},
    {"process.consoleSize", "{}", "$.process.consoleSize: not supported"},
    {"process.apparmorProfile", "\"x\"",
     "$.process.apparmorProfile: not supported: the guest kernel has no AppArmor"},
    {"process.selinuxLabel", "\"x\"", "$.process.selinuxLabel: not supported"},
    {"process.ioPriority", "{}", "$.process.ioPriority: not supported"},
    {"process.scheduler", "{}", "$.process.scheduler: not supported"},
    {"process.execCPUAffinity", "{}", "$.process.execCPUAffinity: not supported"},
    {"process.commandLine", "\"x\"", "$.process.commandLine: not supported"},
    {"process.extra", "1", "unknown key $.process.extra"},
    {"process.args", nullptr, "$.process.args: missing"},
    {"process.args", "[]", "$.process.args: the program to run is missing"},
    {"process.args", "[\"\"]", "$.process.args: the program to run is missing"},
    {"process.args", "[1]", "$.process.args[0]: expected a string"},
    {"process.env", "[\"NOEQUALS\"]", "$.process.env[0]: expected NAME=value"},
    {"process.env", "[\"=x\"]", "$.process.env[0]: expected NAME=value"},
    {"process.env", "\"A=b\"", "$.process.env: expected an array"},
    {"process.cwd", nullptr, "$.process.cwd: missing"},
    {"process.cwd", "\"app\"", "$.process.cwd: must be an absolute path"},
    {"process.cwd", "\"/a/../b\"", "$.process.cwd: \"/a/../b\" is not a normalised path"},
    {"process.cwd", "\"/a//b\"", "is not a normalised path"},
    {"process.user.uid", nullptr, "$.process.user.uid: missing"},
    {"process.user.uid", "-1", "$.process.user.uid: expected an unsigned integer, got -1"},
    {"process.user.gid", "4294967296",
     "$.process.user.gid: expected an unsigned integer of at most 4294967295"},
    {"process.user.umask", "512", "$.process.user.umask: expected an unsigned integer of at most 511"},
    {"process.user.additionalGids", "[-1]", "$.process.user.additionalGids[0]: expected an unsigned integer"},
    {"process.user.username", "\"root\"", "$.process.user.username: not supported"},
    {"process.capabilities.bounding", "[\"CAP_FOO\"]",
     "$.process.capabilities.bounding[0]: unknown capability \"CAP_FOO\""},
    {"process.capabilities.bounding", "\"CAP_CHOWN\"", "$.process.capabilities.bounding: expected an array"},
    {"process.capabilities.effective", "[\"CAP_SYS_ADMIN\"]",
     "$.process.capabilities: effective capabilities must also be permitted"},
    {"process.capabilities.inheritable", "[]",
     "$.process.capabilities: ambient capabilities must also be permitted and inheritable"},
    {"process.capabilities.extra", "[]", "unknown key $.process.capabilities.extra"},
    {"process.rlimits.0.type", "\"RLIMIT_FOO\"",
     "$.process.rlimits[0].type: unknown resource limit \"RLIMIT_FOO\""},
    {"process.rlimits.0.soft", "5000", "$.process.rlimits[0]: soft limit above the hard limit"},
    {"process.rlimits.0.hard", nullptr, "$.process.rlimits[0].hard: missing"},
    {"process.rlimits.1.type", "\"RLIMIT_NOFILE\"", "$.process.rlimits[1].type: resource limit given twice"},
    {"process.rlimits.0.extra", "1", "unknown key $.process.rlimits[0].extra"},
    {"process.noNewPrivileges", "false", "$.process.noNewPrivileges: false is not supported"},
    {"process.noNewPrivileges", "\"x\"", "$.process.noNewPrivileges: expected a boolean"},
    {"process.oomScoreAdj", "1001", "$.process.oomScoreAdj: expected -1000 to 1000"},
    {"process.oomScoreAdj", "1.5", "$.process.oomScoreAdj: expected an integer"},
    // mounts
    {"mounts", "{}", "$.mounts: expected an array"},
    {"mounts.0.type", "\"cgroup\"", "$.mounts[0].type: mount type \"cgroup\" is not supported"},
    {"mounts.0.destination", "\"/other\"", "$.mounts[0].destination: proc is only supported at /proc"},
    {"mounts.0.destination", "\"proc\"", "$.mounts[0].destination: must be an absolute path"},
    {"mounts.0.destination", "\"/\"", "$.mounts[0].destination: must not be the container's root"},
    {"mounts.0.destination", nullptr, "$.mounts[0].destination: missing"},
    {"mounts.0.options", "[\"nosuid\", \"foo\"]",
     "$.mounts[0].options[1]: unsupported option \"foo\" for proc"},
    {"mounts.0.options", "[\"mode=755\"]",
     "$.mounts[0].options[0]: unsupported option \"mode=755\" for proc"},
    {"mounts.0.uidMappings", "[]", "$.mounts[0].uidMappings: not supported"},
    {"mounts.0.extra", "1", "unknown key $.mounts[0].extra"},
    {"mounts.1.options", "[\"size=1;rm\"]", "$.mounts[1].options[0]: bad value in \"size=1;rm\""},
    {"mounts.1.options", "[\"mode=\"]", "$.mounts[1].options[0]: bad value in \"mode=\""},
    {"mounts.1.options", "[\"bind\"]", "$.mounts[1].options[0]: unsupported option \"bind\" for tmpfs"},
    {"mounts.5.options", "[\"nosuid\"]", "$.mounts[5].options: sysfs must be mounted read-only"},
    {"mounts.6.source", "\"/etc\"", "$.mounts[6].source: bind mounts may only name \"/data\""},
    {"mounts.6.source", nullptr, "$.mounts[6].source: bind mounts may only name \"/data\""},
    {"mounts.6.options", "[\"rw\"]", "$.mounts[6].options: a bind mount needs \"bind\" or \"rbind\""},
    {"mounts.6.options", "[\"rbind\", \"mode=1\"]", "$.mounts[6].options[1]: unsupported option \"mode=1\""},
    {"mounts.6.destination", "\"/dev/data\"",
     "$.mounts[6].destination: the data volume at /dev/data would be hidden by $.mounts[1] at /dev"},
    // linux
    {"linux", nullptr, "$.linux: missing"},
    {"linux.namespaces", nullptr, "$.linux.namespaces: missing"},
    {"linux.namespaces", "[{\"type\": \"pid\"}]", "$.linux.namespaces: a mount namespace is required"},
    {"linux.namespaces.0.type", "\"network\"",
     "$.linux.namespaces[0].type: not supported: the workload shares the VM's network"},
    {"linux.namespaces.0.type", "\"user\"", "$.linux.namespaces[0].type: not supported"},
    {"linux.namespaces.0.type", "\"cgroup\"", "$.linux.namespaces[0].type: not supported"},
    {"linux.namespaces.0.type", "\"time\"", "$.linux.namespaces[0].type: not supported"},
    {"linux.namespaces.0.type", "\"foo\"", "$.linux.namespaces[0].type: unknown namespace type \"foo\""},
    {"linux.namespaces.0.type", "\"mount\"", "$.linux.namespaces[3].type: namespace listed twice"},
    {"linux.namespaces.0.path", "\"/proc/1/ns/pid\"",
     "$.linux.namespaces[0].path: joining an existing namespace is not supported"},
    {"linux.namespaces", "[{\"type\": \"mount\"}]", "$.hostname: a hostname needs a \"uts\" namespace"},
    {"linux.resources", "{}", "$.linux.resources: not supported: there are no cgroup limits"},
    {"linux.devices", "[]", "$.linux.devices: not supported"},
    {"linux.uidMappings", "[]", "$.linux.uidMappings: not supported"},
    {"linux.cgroupsPath", "\"/x\"", "$.linux.cgroupsPath: not supported"},
    {"linux.sysctl", "{}", "$.linux.sysctl: not supported"},
    {"linux.rootfsPropagation", "\"shared\"", "$.linux.rootfsPropagation: not supported"},
    {"linux.mountLabel", "\"x\"", "$.linux.mountLabel: not supported"},
    {"linux.personality", "{}", "$.linux.personality: not supported"},
    {"linux.intelRdt", "{}", "$.linux.intelRdt: not supported"},
    {"linux.extra", "1", "unknown key $.linux.extra"},
    {"linux.seccomp.defaultAction", "\"SCMP_ACT_NOTIFY\"", "$.linux.seccomp.defaultAction: seccomp action"},
    {"linux.seccomp.syscalls.0.names", "[]", "$.linux.seccomp.syscalls[0].names: at least one"},
    {"linux.seccomp", "[]", "$.linux.seccomp: expected an object"},
    {"linux.maskedPaths", "[\"proc/kcore\"]", "$.linux.maskedPaths[0]: must be an absolute path"},
    {"linux.readonlyPaths", "[1]", "$.linux.readonlyPaths[0]: expected a string"},
};

void test_bad_values_name_the_field(void **) {
  for (const Bad &c : kBad) {
    bp::Result<bp::RuntimeSpec> result = parse(edited(c.path, c.value));
    if (result.ok())
      fail_msg("%s = %s: accepted, expected \"%s\"", c.path, c.value ? c.value : "(removed)", c.error);
    if (result.error().message().find(c.error) == std::string::npos)
      fail_msg("%s = %s: error \"%s\" lacks \"%s\"", c.path, c.value ? c.value : "(removed)",
               result.error().message().c_str(), c.error);
  }
}

void test_load_from_file(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-oci"));
  std::string path = dir.file("config.json");
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string(kFull)));
  bp::RuntimeSpec spec = ASSERT_OK(bp::load_runtime_spec(path));
  assert_string_equal(spec.process.args[0].c_str(), "/app/server");
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string("{\"ociVersion\": ")));
  ASSERT_ERROR_CONTAINS(bp::load_runtime_spec(path), "config.json");
  std::string deep(40, '[');
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string(deep + std::string(40, ']'))));
  ASSERT_ERROR_CONTAINS(bp::load_runtime_spec(path), "config.json");
  ASSERT_ERROR_CONTAINS(bp::load_runtime_spec(dir.file("none.json")), "none.json");
}

}  // namespace

RUN_TESTS("oci/spec_json", cmocka_unit_test(test_every_field), cmocka_unit_test(test_minimal),
          cmocka_unit_test(test_bad_values_name_the_field), cmocka_unit_test(test_load_from_file))
