// File helpers: size limits, atomic replacement, exact reads, mappings and
// temporary directories that clean up after themselves.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/core/file_io.h"
#include "lib/core/mapped_file.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/test_support.h"

namespace {

bool exists(const std::string &path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

void test_read_file_limit(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  std::string path = dir.file("data");
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string("0123456789")));
  bp::Bytes all = ASSERT_OK(bp::read_file(path, 10));
  assert_int_equal(all.size(), 10);
  ASSERT_ERROR_CONTAINS(bp::read_file(path, 9), "larger than the limit of 9 bytes");
  ASSERT_ERROR_CONTAINS(bp::read_file(dir.file("missing"), 10), "missing: No such file or directory");
  std::string text = ASSERT_OK(bp::read_text_file(path, 100));
  assert_string_equal(text.c_str(), "0123456789");
}

void test_atomic_write_replaces_and_leaves_no_temp(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  std::string path = dir.file("config");
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string("old"), 0600));
  ASSERT_OK(bp::write_file_atomic(path, bp::ByteView::of_string("new contents"), 0600));
  std::string text = ASSERT_OK(bp::read_text_file(path, 100));
  assert_string_equal(text.c_str(), "new contents");
  assert_false(exists(path + ".tmp"));
  struct stat st;
  assert_int_equal(stat(path.c_str(), &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  // A directory in the way: the error names the path and nothing is left.
  ASSERT_ERROR_CONTAINS(bp::write_file_atomic(dir.path(), bp::ByteView::of_string("x")), "rename");
  assert_false(exists(dir.path() + ".tmp"));
}

void test_pread_exact_and_pwrite(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = ASSERT_OK(bp::open_file(dir.file("disk"), O_RDWR | O_CREAT, 0600));
  ASSERT_OK(bp::pwrite_all(fd.get(), unhex("aabbccdd"), 4096));
  assert_int_equal(ASSERT_OK(bp::file_size(fd.get())), 4100);
  uint8_t buf[4];
  ASSERT_OK(bp::pread_exact(fd.get(), buf, 4, 4096));
  ASSERT_BYTES_EQUAL(bp::ByteView(buf, 4), "aabbccdd");
  ASSERT_OK(bp::pread_exact(fd.get(), buf, 2, 0));  // the hole reads as zeros
  ASSERT_BYTES_EQUAL(bp::ByteView(buf, 2), "0000");
  ASSERT_ERROR_CONTAINS(bp::pread_exact(fd.get(), buf, 4, 4098), "unexpected end of file");
}

void test_mapped_file(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_OK(bp::write_file_atomic(dir.file("m"), unhex("0102030405")));
  bp::MappedFile map = ASSERT_OK(bp::MappedFile::open(dir.file("m")));
  ASSERT_BYTES_EQUAL(map.bytes(), "0102030405");
  ASSERT_OK(bp::write_file_atomic(dir.file("empty"), bp::ByteView{}));
  bp::MappedFile empty = ASSERT_OK(bp::MappedFile::open(dir.file("empty")));
  assert_int_equal(empty.bytes().size(), 0);
  ASSERT_ERROR_CONTAINS(bp::MappedFile::open(dir.path()), "not a regular file");
}

void test_temp_dir_removes_tree(void **) {
  std::string path;
  {
    bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-test"));
    path = dir.path();
    assert_true(exists(path));
    assert_int_equal(mkdir(dir.file("sub").c_str(), 0700), 0);
    ASSERT_OK(bp::write_file_atomic(dir.file("sub/f"), unhex("00")));
    // A symlink out of the tree must be removed, not followed.
    assert_int_equal(symlink("/etc", dir.file("sub/link").c_str()), 0);
  }
  assert_false(exists(path));
  assert_true(exists("/etc/passwd") || exists("/etc/hostname"));
}

}  // namespace

RUN_TESTS("core/files", cmocka_unit_test(test_read_file_limit),
          cmocka_unit_test(test_atomic_write_replaces_and_leaves_no_temp),
          cmocka_unit_test(test_pread_exact_and_pwrite), cmocka_unit_test(test_mapped_file),
          cmocka_unit_test(test_temp_dir_removes_tree))
