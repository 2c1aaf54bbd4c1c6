// Capability and resource-limit names, and container path checks.
#include <linux/capability.h>
#include <sys/resource.h>

#include "lib/oci/capabilities.h"
#include "lib/oci/mounts.h"
#include "lib/oci/rlimits.h"
#include "tests/unit/test_support.h"

namespace {

void test_capabilities(void **) {
  for (int cap = 0; cap <= bp::kLastCapability; ++cap) {
    const char *name = bp::capability_name(cap);
    assert_non_null(name);
    assert_int_equal(ASSERT_OK(bp::capability_number(name)), cap);
  }
  assert_int_equal(ASSERT_OK(bp::capability_number("CAP_SYS_ADMIN")), CAP_SYS_ADMIN);
  assert_int_equal(ASSERT_OK(bp::capability_number("CAP_CHECKPOINT_RESTORE")), CAP_LAST_CAP);
  assert_null(bp::capability_name(bp::kLastCapability + 1));
  ASSERT_ERROR_CONTAINS(bp::capability_number("cap_chown"), "unknown capability \"cap_chown\"");
  ASSERT_ERROR_CONTAINS(bp::capability_number("SYS_ADMIN"), "unknown capability");
}

void test_rlimits(void **) {
  assert_int_equal(ASSERT_OK(bp::rlimit_resource("RLIMIT_NOFILE")), RLIMIT_NOFILE);
  assert_int_equal(ASSERT_OK(bp::rlimit_resource("RLIMIT_RTTIME")), RLIMIT_RTTIME);
  assert_string_equal(bp::rlimit_name(RLIMIT_MEMLOCK), "RLIMIT_MEMLOCK");
  for (int r = 0; r < RLIMIT_NLIMITS; ++r) assert_non_null(bp::rlimit_name(r));
  ASSERT_ERROR_CONTAINS(bp::rlimit_resource("NOFILE"), "unknown resource limit \"NOFILE\"");
}

void test_container_paths(void **) {
  ASSERT_OK(bp::check_container_path("/data"));
  ASSERT_OK(bp::check_container_path("/a/b.c/..d"));
  ASSERT_ERROR_CONTAINS(bp::check_container_path(""), "absolute");
  ASSERT_ERROR_CONTAINS(bp::check_container_path("data"), "absolute");
  ASSERT_ERROR_CONTAINS(bp::check_container_path("/"), "root");
  ASSERT_ERROR_CONTAINS(bp::check_container_path("/a/"), "normalised");
  ASSERT_ERROR_CONTAINS(bp::check_container_path("/a/./b"), "normalised");
  ASSERT_ERROR_CONTAINS(bp::check_container_path("/../etc"), "normalised");
}

}  // namespace

RUN_TESTS("oci/names", cmocka_unit_test(test_capabilities), cmocka_unit_test(test_rlimits),
          cmocka_unit_test(test_container_paths))
