// init.json parsing: a full example, the defaults, and one test per class of
// bad input, each checking that the message names the offending key.
#include "init/config_parse.h"
#include "tests/unit/test_support.h"

namespace {

const char *kFull = R"({
  "flavour": "debug",
  "log_level": "warning",
  "broker": {"url": "https://10.0.2.100:8443", "ca_cert": "/etc/buckypaper/kbs-ca.pem", "deadline_ms": 30000},
  "attestation": {"provider": "sim", "allow_sim": true},
  "resources": [
    {"name": "root-key", "uri": "kbs:///buckypaper/disk/root", "use": "root-disk-key"},
    {"name": "data-key", "uri": "kbs:///buckypaper/disk/data", "use": "data-disk-key"},
    {"name": "greeting", "uri": "kbs:///buckypaper/secret/greeting", "use": "workload-secret"}
  ],
  "network": {"mode": "static", "interface": "eth0", "address": "10.0.2.15/24", "gateway": "10.0.2.2"},
  "disks": {
    "root": {"serial": "bp-root", "on_corruption": "panic",
             "verity": {"root_hash": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                        "salt": "abcd", "data_blocks": 100, "hash_offset": 409600}},
    "data": {"serial": "bp-data", "integrity": false, "mount": "/data"}
  },
  "workload": {"bundle": "bundle", "grace_period_ms": 5000},
  "agent": {"path": "/bin/bp-agent", "policy": "/etc/buckypaper/agent-policy.json"}
})";

const char *kMinimal = R"({
  "broker": {"url": "https://kbs.example:8080", "ca_cert": "/ca.pem"},
  "resources": [{"name": "root-key", "uri": "kbs:///r/t/root", "use": "root-disk-key"}],
  "disks": {"root": {"serial": "root", "verity": {"root_hash": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
                                                  "salt": "", "data_blocks": 1, "hash_offset": 4096}}}
})";

void test_full_config(void **) {
  bp::InitConfig c = ASSERT_OK(bp::parse_init_config(kFull, "console=ttyS0 bp.log_level=debug"));
  assert_true(c.flavour == bp::Flavour::debug);
  assert_true(c.log_level == bp::LogLevel::debug);  // the kernel parameter wins
  assert_true(c.test_pause == bp::TestPause::none);
  c = ASSERT_OK(bp::parse_init_config(kFull, "bp.test_pause=data-secondary-header"));
  assert_true(c.test_pause == bp::TestPause::data_secondary_header);
  assert_string_equal(c.broker.url.c_str(), "https://10.0.2.100:8443");
  assert_int_equal(c.broker.deadline_ms, 30000);
  assert_true(c.attestation.provider == bp::ProviderChoice::sim);
  assert_int_equal(c.resources.size(), 3);
  assert_string_equal(c.resources[2].repository.c_str(), "buckypaper");
  assert_string_equal(c.resources[2].type.c_str(), "secret");
  assert_string_equal(c.resources[2].tag.c_str(), "greeting");
  assert_true(c.resources[1].use == bp::ResourceUse::data_disk_key);
  assert_true(c.network.mode == bp::NetworkConfig::Mode::static_address);
  assert_int_equal(c.network.address.address, 0x0a00020f);
  assert_int_equal(*c.network.gateway, 0x0a000202);
  assert_string_equal(c.root_disk.verity.salt.c_str(), "abcd");
  assert_true(c.root_disk.verity.data_blocks == 100);
  assert_true(c.root_disk.on_corruption == bp::CorruptionAction::panic);
  assert_true(c.data_disk.has_value());
  assert_false(c.data_disk->integrity);
  assert_int_equal(c.workload.grace_period_ms, 5000);
  assert_string_equal(c.agent.api_features.c_str(), "resource,evidence");  // the default
  std::string all = kFull;
  all.replace(all.find("\"policy\": \"/etc/buckypaper/agent-policy.json\""), 45,
              "\"policy\": \"/etc/buckypaper/agent-policy.json\", \"api_features\": \"resource,token\"");
  c = ASSERT_OK(bp::parse_init_config(all, ""));
  assert_string_equal(c.agent.api_features.c_str(), "resource,token");
}

void test_defaults(void **) {
  bp::InitConfig c = ASSERT_OK(bp::parse_init_config(kMinimal, ""));
  assert_true(c.flavour == bp::Flavour::production);
  assert_true(c.log_level == bp::LogLevel::info);
  assert_false(c.attestation.allow_sim);
  assert_true(c.attestation.provider == bp::ProviderChoice::automatic);
  assert_true(c.network.mode == bp::NetworkConfig::Mode::none);
  assert_false(c.data_disk.has_value());
  assert_int_equal(c.root_disk.verity.data_block_size, 4096);
  assert_string_equal(c.workload.bundle.c_str(), "bundle");
  assert_int_equal(c.broker.deadline_ms, 60000);
}

std::string replace(std::string text, const std::string &from, const std::string &to) {
  size_t at = text.find(from);
  if (at == std::string::npos) fail_msg("test bug: '%s' not in the config", from.c_str());
  return text.replace(at, from.size(), to);
}

void test_errors_name_the_key(void **) {
  std::string full = kFull;
  struct Case {
    std::string text;
    const char *cmdline;
    const char *message;
  } cases[] = {
      {replace(full, "\"flavour\"", "\"flavor\""), "", "$.flavor"},
      {replace(full, "\"debug\",", "\"staging\","), "", "$.flavour"},
      {replace(full, "\"deadline_ms\": 30000", "\"deadline_ms\": \"30s\""), "", "$.broker.deadline_ms"},
      {replace(full, "https://10.0.2.100:8443", "http://10.0.2.100:8443"), "", "allow_plain_http"},
      {replace(full, "https://10.0.2.100:8443", "ftp://x"), "", "$.broker.url"},
      {replace(full, "\"allow_sim\": true", "\"allow_sim\": false"), "", "$.attestation.provider"},
      {replace(full, "kbs:///buckypaper/disk/data", "kbs:///buckypaper/../data"), "", "$.resources[1].uri"},
      {replace(full, "kbs:///buckypaper/disk/data", "https://x/y/z"), "", "$.resources[1].uri"},
      {replace(full, "\"use\": \"workload-secret\"", "\"use\": \"key\""), "", "$.resources[2].use"},
      {replace(full, "\"name\": \"greeting\"", "\"name\": \"root-key\""), "", "used twice"},
      {replace(full, "\"root-disk-key\"", "\"workload-secret\""), "", "root-disk-key"},
      {replace(full, "10.0.2.15/24", "10.0.2.15"), "", "$.network.address"},
      {replace(full, "\"gateway\": \"10.0.2.2\"", "\"gateway\": \"10.0.2\""), "", "$.network.gateway"},
      {replace(full, "\"salt\": \"abcd\"", "\"salt\": \"abc\""), "", "$.disks.root.verity.salt"},
      {replace(full, "\"root_hash\": \"0011", "\"root_hash\": \""), "", "$.disks.root.verity.root_hash"},
      {replace(full, "\"hash_offset\": 409600", "\"hash_offset\": 4096"), "",
       "$.disks.root.verity.hash_offset"},
      {replace(full, "\"data_blocks\": 100", "\"data_blocks\": -1"), "", "$.disks.root.verity.data_blocks"},
      {replace(full, "\"on_corruption\": \"panic\"", "\"on_corruption\": \"ignore\""), "",
       "$.disks.root.on_corruption"},
      {replace(full, "\"serial\": \"bp-data\"", "\"serial\": \"../x\""), "", "$.disks.data.serial"},
      {replace(full, "\"mount\": \"/data\"", "\"mount\": \"data\""), "", "$.disks.data.mount"},
      {replace(full, "\"bundle\": \"bundle\"", "\"bundle\": \"/bundle\""), "", "$.workload.bundle"},
      {replace(full, "\"grace_period_ms\": 5000", "\"grace_period_ms\": 5000, \"user\": 0"), "",
       "$.workload.user"},
      {replace(full, "\"policy\": \"/etc/buckypaper/agent-policy.json\"",
               "\"policy\": \"/etc/buckypaper/agent-policy.json\", \"api_features\": \"resource,exec\""),
       "", "$.agent.api_features"},
      {replace(full, "\"policy\": \"/etc/buckypaper/agent-policy.json\"",
               "\"policy\": \"/etc/buckypaper/agent-policy.json\", \"api_features\": \"token,token\""),
       "", "listed twice"},
      {full, "bp.log_level=loud", "bp.log_level"},
      {full, "bp.shell=1", "unknown kernel parameter bp.shell"},
      {replace(full, "\"integrity\": false", "\"integrity\": true"), "", "$.disks.data.integrity"},
      {full, "bp.test_pause=data-formatted", "bp.test_pause"},
      {full, "bp.x=\"open", "unterminated quote"},
      {full.substr(0, full.size() / 2), "", "JSON"},
      {"[]", "", "$"},
  };
  for (const Case &c : cases) {
    auto result = bp::parse_init_config(c.text, c.cmdline);
    if (result.ok()) fail_msg("accepted a config that should fail with '%s'", c.message);
    if (result.error().message().find(c.message) == std::string::npos) {
      fail_msg("error '%s' does not name '%s'", result.error().message().c_str(), c.message);
    }
  }
}

void test_data_disk_needs_its_key(void **) {
  std::string full = kFull;
  std::string no_data_key = replace(
      full, R"({"name": "data-key", "uri": "kbs:///buckypaper/disk/data", "use": "data-disk-key"},)", "");
  ASSERT_ERROR_CONTAINS(bp::parse_init_config(no_data_key, ""), "data disk needs exactly one data-disk-key");
}

}  // namespace

RUN_TESTS("init/config_parse", cmocka_unit_test(test_full_config), cmocka_unit_test(test_defaults),
          cmocka_unit_test(test_errors_name_the_key), cmocka_unit_test(test_data_disk_needs_its_key))
