// The example workload's config.json (rootfs/example/config.json), which the
// image pipeline also uses as the template for bundles made from OCI images,
// must pass the guest's strict OCI parser: no capabilities, no_new_privs, the
// data volume bound at /data, and the mount points the pipeline creates.
#include "lib/oci/spec_json.h"
#include "tests/unit/test_support.h"

namespace {

void test_example_config_is_accepted(void **) {
  bp::RuntimeSpec spec = ASSERT_OK(bp::load_runtime_spec("rootfs/example/config.json"));
  assert_int_equal(spec.process.args.size(), 2);
  assert_string_equal(spec.process.args[0].c_str(), "/bin/bp-example");
  assert_string_equal(spec.process.args[1].c_str(), "/data");
  assert_true(spec.root_readonly);
  assert_int_equal(spec.process.capabilities.bounding, 0);
  assert_int_equal(spec.process.capabilities.permitted, 0);
  assert_true(spec.namespaces.mount);
  bool data = false;
  for (const bp::MountSpec &m : spec.mounts)
    data |= m.type == bp::MountType::data_bind && m.destination == "/data";
  assert_true(data);
  assert_false(spec.seccomp.has_value());  // the image's default profile applies
}

}  // namespace

RUN_TESTS("rootfs/example_config", cmocka_unit_test(test_example_config_is_accepted))
