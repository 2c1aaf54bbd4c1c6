// The init.json the image pipeline writes (tests/data/image/init.json: the
// pipeline's output for the QEMU demo settings with fixed verity values;
// tests/cli/test-image.sh checks that rootfs/build-image still writes exactly
// this) must pass bp-init's strict config parser.
#include "init/config_parse.h"
#include "lib/core/file_io.h"
#include "tests/unit/test_support.h"

namespace {

void test_pipeline_init_json_is_accepted(void **) {
  std::string text = ASSERT_OK(bp::read_text_file("tests/data/image/init.json", 1 << 16));
  bp::InitConfig c = ASSERT_OK(bp::parse_init_config(text, "console=ttyS0 panic=-1"));
  assert_true(c.flavour == bp::Flavour::production);
  assert_true(c.attestation.allow_sim);
  assert_string_equal(c.broker.ca_cert.c_str(), "/etc/buckypaper/kbs-ca.pem");
  assert_int_equal(c.resources.size(), 3);
  assert_true(c.resources[0].use == bp::ResourceUse::root_disk_key);
  assert_true(c.resources[1].use == bp::ResourceUse::data_disk_key);
  assert_true(c.resources[2].use == bp::ResourceUse::workload_secret);
  assert_string_equal(c.resources[2].tag.c_str(), "greeting");
  assert_true(c.network.mode == bp::NetworkConfig::Mode::static_address);
  assert_int_equal(c.root_disk.verity.data_blocks, 512);
  assert_int_equal(c.root_disk.verity.hash_offset, 2097152);
  assert_true(c.data_disk.has_value());
  assert_string_equal(c.data_disk->mount_point.c_str(), "/data");
  assert_string_equal(c.workload.bundle.c_str(), "bundle");
  assert_string_equal(c.agent.policy.c_str(), "/etc/buckypaper/agent-policy.json");
}

}  // namespace

RUN_TESTS("rootfs/image_init_json", cmocka_unit_test(test_pipeline_init_json_is_accepted))
