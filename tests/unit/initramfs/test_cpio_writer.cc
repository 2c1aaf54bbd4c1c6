// The initramfs cpio writer: exact newc bytes for a small archive, the
// determinism and ordering rules, rejected paths, and (the independent check)
// GNU cpio and the zstd tool reading what we wrote.
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/initramfs/cpio_writer.h"
#include "tests/unit/test_support.h"

namespace {

std::string as_text(const bp::Bytes &b) { return std::string(b.begin(), b.end()); }

void test_exact_bytes_of_one_file(void **) {
  bp::CpioWriter writer(0x5f5e1000);
  ASSERT_OK(writer.add_file("init", bp::ByteView::of_string("hi"), 0755));
  std::string archive = as_text(writer.finish());
  // ino 1, mode 0100755, uid 0, gid 0, nlink 1, mtime, size 2, dev 0:0, rdev 0:0, namesize 5, check 0
  std::string header = std::string("070701") + "00000001" + "000081ED" + "00000000" + "00000000" +
                       "00000001" + "5F5E1000" + "00000002" + "00000000" + "00000000" + "00000000" +
                       "00000000" + "00000005" + "00000000";
  assert_int_equal(header.size(), 110);
  // 110 + "init\0" = 115 bytes, padded to 116; the data is padded to a multiple of 4.
  std::string expected = header + "init" + std::string(2, '\0') + "hi" + std::string(2, '\0');
  assert_true(archive.compare(0, expected.size(), expected) == 0);
  std::string trailer_name = "TRAILER!!!";
  assert_true(archive.find(trailer_name) == expected.size() + 110);
  assert_int_equal(archive.size() % 4, 0);
}

void test_deterministic_and_sorted(void **) {
  bp::CpioWriter a(0), b(0);
  ASSERT_OK(a.add_file("etc/buckypaper/init.json", bp::ByteView::of_string("{}"), 0644));
  ASSERT_OK(a.add_file("init", bp::ByteView::of_string("x"), 0755));
  ASSERT_OK(a.add_symlink("bin/sh", "busybox"));
  // Same entries, other order.
  ASSERT_OK(b.add_symlink("bin/sh", "busybox"));
  ASSERT_OK(b.add_file("init", bp::ByteView::of_string("x"), 0755));
  ASSERT_OK(b.add_file("etc/buckypaper/init.json", bp::ByteView::of_string("{}"), 0644));
  bp::Bytes first = a.finish();
  assert_true(first == b.finish());
  std::string text = as_text(first);
  // Parents were added and come before their children.
  size_t bin = text.find("bin\0", 0), sh = text.find("bin/sh"), etc = text.find("etc\0"),
         conf = text.find("etc/buckypaper\0"), json = text.find("init.json");
  assert_true(bin < sh && sh < etc && etc < conf && conf < json);
}

void test_rejects_bad_paths(void **) {
  bp::CpioWriter w(0);
  ASSERT_ERROR_CONTAINS(w.add_file("/init", bp::ByteView{}, 0755), "must be relative");
  ASSERT_ERROR_CONTAINS(w.add_file("a/../b", bp::ByteView{}, 0644), "must be relative");
  ASSERT_ERROR_CONTAINS(w.add_file("a//b", bp::ByteView{}, 0644), "must be relative");
  ASSERT_ERROR_CONTAINS(w.add_file("", bp::ByteView{}, 0644), "out of range");
  ASSERT_OK(w.add_file("f", bp::ByteView{}, 0644));
  ASSERT_ERROR_CONTAINS(w.add_file("f", bp::ByteView{}, 0644), "added twice");
  ASSERT_ERROR_CONTAINS(w.add_file("f/g", bp::ByteView{}, 0644), "not a directory");
  ASSERT_ERROR_CONTAINS(w.add_symlink("l", ""), "empty target");
  ASSERT_OK(w.add_file("d/x", bp::ByteView{}, 0644));
  ASSERT_OK(w.add_directory("d", 0700));  // a later explicit mode for an implicit parent is fine
}

void test_gnu_cpio_and_zstd_read_it(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-cpio"));
  bp::CpioWriter w(1700000000);
  bp::Bytes big(100000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7 + i / 251);
  ASSERT_OK(w.add_file("bin/bp-agent", big, 0755));
  ASSERT_OK(w.add_file("etc/odd", bp::ByteView::of_string("odd length!"), 0600));
  ASSERT_OK(w.add_symlink("bin/agent", "bp-agent"));
  ASSERT_OK(w.add_directory("run", 0700));
  bp::Bytes compressed = ASSERT_OK(bp::zstd_compress(w.finish(), 19));
  ASSERT_OK(bp::write_file_atomic(dir.file("initrd.zst"), compressed));
  std::string cmd =
      "cd " + dir.path() + " && mkdir x && zstd -q -d initrd.zst -o initrd.cpio && " +
      "cd x && cpio --quiet -i --make-directories --preserve-modification-time < ../initrd.cpio";
  assert_int_equal(system(cmd.c_str()), 0);
  bp::Bytes agent = ASSERT_OK(bp::read_file(dir.file("x/bin/bp-agent"), 1 << 20));
  assert_true(agent == big);
  std::string odd = ASSERT_OK(bp::read_text_file(dir.file("x/etc/odd"), 100));
  assert_string_equal(odd.c_str(), "odd length!");
  struct stat st;
  assert_int_equal(stat(dir.file("x/bin/bp-agent").c_str(), &st), 0);
  assert_int_equal(st.st_mode & 07777, 0755);
  assert_int_equal(st.st_mtime, 1700000000);
  assert_int_equal(lstat(dir.file("x/bin/agent").c_str(), &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  assert_int_equal(stat(dir.file("x/run").c_str(), &st), 0);
  assert_int_equal(st.st_mode & 07777, 0700);
  ASSERT_ERROR_CONTAINS(bp::zstd_compress(big, 22), "use 1 to 19");
}

}  // namespace

RUN_TESTS("initramfs/cpio_writer", cmocka_unit_test(test_exact_bytes_of_one_file),
          cmocka_unit_test(test_deterministic_and_sorted), cmocka_unit_test(test_rejects_bad_paths),
          cmocka_unit_test(test_gnu_cpio_and_zstd_read_it))
