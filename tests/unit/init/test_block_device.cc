// Disks by virtio serial, over a fake /sys/block.
#include <sys/stat.h>

#include "init/block_device.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/test_support.h"

namespace {

void add_disk(const bp::TempDir &dir, const char *name, const char *serial) {
  std::string path = dir.file(name);
  assert_int_equal(mkdir(path.c_str(), 0755), 0);
  if (serial) ASSERT_OK(bp::write_file_atomic(path + "/serial", bp::ByteView::of_string(serial)));
}

void test_find_by_serial(void **) {
  bp::TempDir sys = ASSERT_OK(bp::TempDir::create());
  add_disk(sys, "vda", "bp-root\n");
  add_disk(sys, "vdb", "bp-data");
  add_disk(sys, "loop0", nullptr);
  std::string found = ASSERT_OK(bp::find_disk_by_serial("bp-data", sys.path(), "/dev"));
  assert_string_equal(found.c_str(), "/dev/vdb");
  found = ASSERT_OK(bp::find_disk_by_serial("bp-root", sys.path(), "/dev"));
  assert_string_equal(found.c_str(), "/dev/vda");
  ASSERT_ERROR_CONTAINS(bp::find_disk_by_serial("bp-other", sys.path()), "no disk with serial 'bp-other'");
  ASSERT_ERROR_CONTAINS(bp::find_disk_by_serial("", sys.path()), "serial is empty");
  ASSERT_ERROR_CONTAINS(bp::find_disk_by_serial("x", sys.file("missing")), "opendir");
}

void test_duplicate_serial_refused(void **) {
  bp::TempDir sys = ASSERT_OK(bp::TempDir::create());
  add_disk(sys, "vda", "bp-data");
  add_disk(sys, "vdc", "bp-data");
  ASSERT_ERROR_CONTAINS(bp::find_disk_by_serial("bp-data", sys.path()), "2 disks have serial 'bp-data'");
}

}  // namespace

RUN_TESTS("block_device", cmocka_unit_test(test_find_by_serial),
          cmocka_unit_test(test_duplicate_serial_refused))
