// The early stage mounts proc, sysfs, devtmpfs, /run and configfs. Run as
// root in a private mount namespace against a temporary root.
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/early.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/test_support.h"

namespace {

// Runs in the child; returns the exit code the parent checks.
int early_in_namespace(const std::string &root) {
  if (unshare(CLONE_NEWNS) != 0) return 10;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
  auto result = bp::run_early_stage(root);
  if (!result.ok()) {
    fprintf(stderr, "early: %s\n", result.error().message().c_str());
    return 12;
  }
  // Running it twice is harmless (already-mounted file systems are kept).
  if (!bp::run_early_stage(root).ok()) return 13;
  auto mounts = bp::read_text_file("/proc/self/mounts", 1 << 20);
  if (!mounts.ok()) return 14;
  const char *expected[] = {"/proc proc", "/sys sysfs", "/dev devtmpfs", "/run tmpfs"};
  for (const char *e : expected) {
    if (mounts.value().find(root + e) == std::string::npos) {
      fprintf(stderr, "missing mount: %s%s\n", root.c_str(), e);
      return 15;
    }
  }
  if (!result.value().kmsg.valid()) return 16;  // devtmpfs provides /dev/kmsg
  return 0;
}

void test_mounts_in_private_namespace(void **) {
  if (geteuid() != 0) {
    SKIP_TEST();
    return;
  }
  bp::TempDir root = ASSERT_OK(bp::TempDir::create("bp-early"));
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) _exit(early_in_namespace(root.path()));
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

}  // namespace

RUN_TESTS("init/early", cmocka_unit_test(test_mounts_in_private_namespace))
