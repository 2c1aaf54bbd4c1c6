// The host-testable parts of the disk stage: the first-use decision, the
// ext4 probe, where the verity tree starts, helper programs and mounts.
// Activation itself needs device-mapper and runs in the QEMU boot tests.
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/disks.h"
#include "init/mounted_fs.h"
#include "init/run_program.h"
#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/luks2/format.h"
#include "lib/verity/superblock.h"
#include "tests/unit/luks2/luks2_fixture.h"

namespace {

constexpr uint64_t kDeviceSize = size_t{32} * 1024 * 1024;
const bp::ByteView kKey = bp::ByteView::of_string("data disk key");

bp::UniqueFd device(const bp::TempDir &dir, const char *name) {
  bp::UniqueFd fd = ASSERT_OK(bp::open_file(dir.file(name), O_RDWR | O_CREAT | O_TRUNC, 0600));
  assert_int_equal(ftruncate(fd.get(), kDeviceSize), 0);
  return fd;
}

void test_plan_data_disk(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = device(dir, "disk");
  bp::DataDiskAction action = ASSERT_OK(bp::plan_data_disk(bp::check_luks2_volume(fd.get())));
  assert_true(action == bp::DataDiskAction::format);

  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Luks2NewVolume volume = ASSERT_OK(bp::Luks2NewVolume::prepare({}, kDeviceSize, kKey, random));
  ASSERT_OK(volume.write_keyslot_area(fd.get()));
  action = ASSERT_OK(bp::plan_data_disk(bp::check_luks2_volume(fd.get())));
  assert_true(action == bp::DataDiskAction::format);  // power lost before the headers
  ASSERT_OK(volume.write_headers(fd.get()));
  action = ASSERT_OK(bp::plan_data_disk(bp::check_luks2_volume(fd.get())));
  assert_true(action == bp::DataDiskAction::open);
  ASSERT_OK(bp::pwrite_all(fd.get(), bp::Bytes(4096, 0), 0));  // the primary's commit never happened
  action = ASSERT_OK(bp::plan_data_disk(bp::check_luks2_volume(fd.get())));
  assert_true(action == bp::DataDiskAction::complete_format);

  // Not ours and not blank: refused, never formatted.
  bp::UniqueFd other = device(dir, "ext4-looking");
  ASSERT_OK(bp::pwrite_all(other.get(), unhex("53ef"), 1080));
  ASSERT_ERROR_CONTAINS(bp::plan_data_disk(bp::check_luks2_volume(other.get())),
                        "the data disk is refused: primary header: no LUKS2 magic");
  bp::Bytes hostile = luks2_test::fixture();
  std::string json = luks2_test::parse_copy(hostile, 0).json;
  json.replace(json.find("\"tokens\":{}"), 11, "\"tokens\":{\"0\":{}}");
  luks2_test::replace_json(hostile, json);
  bp::UniqueFd tampered = luks2_test::image_fd(dir, hostile, "tampered");
  ASSERT_ERROR_CONTAINS(bp::plan_data_disk(bp::check_luks2_volume(tampered.get())), "tokens are not allowed");
}

void test_ext4_probe(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = device(dir, "disk");
  assert_false(ASSERT_OK(bp::has_ext4_superblock(dir.file("disk"))));
  if (access("/sbin/mke2fs", X_OK) == 0) {
    ASSERT_OK(bp::run_program({"/sbin/mke2fs", "-t", "ext4", "-q", "-F", dir.file("disk")}));
    assert_true(ASSERT_OK(bp::has_ext4_superblock(dir.file("disk"))));
  }
  ASSERT_ERROR_CONTAINS(bp::has_ext4_superblock(dir.file("missing")), "No such file");
}

void test_verity_hash_start(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = device(dir, "root");
  bp::VerityConfig config;
  config.data_blocks = 1024;
  config.hash_offset = 4194304;
  config.salt = "00112233";
  // No superblock: the tree starts at the offset.
  assert_int_equal(ASSERT_OK(bp::verity_hash_start(dir.file("root"), config)), 1024);
  bp::VeritySuperblock sb;
  sb.geometry.data_blocks = 1024;
  sb.geometry.salt = unhex("00112233");
  ASSERT_OK(bp::pwrite_all(fd.get(), bp::encode_verity_superblock(sb), 4194304));
  assert_int_equal(ASSERT_OK(bp::verity_hash_start(dir.file("root"), config)), 1025);
  // A superblock that disagrees with the measured config is not believed.
  config.data_blocks = 1000;
  assert_int_equal(ASSERT_OK(bp::verity_hash_start(dir.file("root"), config)), 1024);
  config.hash_offset = 100;
  ASSERT_ERROR_CONTAINS(bp::verity_hash_start(dir.file("root"), config), "multiple of 512");
}

void test_run_program(void **) {
  ASSERT_OK(bp::run_program({"/bin/true"}));
  ASSERT_ERROR_CONTAINS(bp::run_program({"/bin/false"}), "/bin/false exited with status 1");
  ASSERT_ERROR_CONTAINS(bp::run_program({"/nonexistent/mke2fs"}), "could not be executed");
  ASSERT_ERROR_CONTAINS(bp::run_program({}), "no program");
}

int mount_in_namespace(const std::string &target) {
  if (unshare(CLONE_NEWNS) != 0) return 10;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
  {
    auto mounted = bp::MountedFs::mount("tmpfs", target, "tmpfs", MS_NODEV, "size=1m");
    if (!mounted.ok()) return 12;
    auto mounts = bp::read_text_file("/proc/self/mounts", 1 << 20);
    if (!mounts.ok() || mounts.value().find(target + " tmpfs") == std::string::npos) return 13;
  }
  auto mounts = bp::read_text_file("/proc/self/mounts", 1 << 20);
  if (!mounts.ok() || mounts.value().find(target + " tmpfs") != std::string::npos)
    return 14;  // still mounted
  return 0;
}

void test_mount_is_undone(void **) {
  if (geteuid() != 0) {
    SKIP_TEST();
    return;
  }
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) _exit(mount_in_namespace(dir.file("mnt")));
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

void test_stage_without_device_mapper(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::InitConfig config;
  config.root_disk.serial = "bp-root";
  bp::SecretBytes key = ASSERT_OK(bp::SecretBytes::copy_of(kKey));
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Log log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::error});
  bp::DisksStageOptions options;
  options.dev_dir = dir.path();
  options.sys_block = dir.path();
  ASSERT_ERROR_CONTAINS(bp::run_disks_stage(config, key, nullptr, random, log, options),
                        "device-mapper control: open");
}

}  // namespace

RUN_TESTS("init/disks", cmocka_unit_test(test_stage_without_device_mapper),
          cmocka_unit_test(test_plan_data_disk), cmocka_unit_test(test_ext4_probe),
          cmocka_unit_test(test_verity_hash_start), cmocka_unit_test(test_run_program),
          cmocka_unit_test(test_mount_is_undone))
