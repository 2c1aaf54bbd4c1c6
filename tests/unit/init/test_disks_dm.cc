// The disk stage against a real kernel: a root volume (LUKS2 -> dm-crypt ->
// dm-verity -> erofs) and a data volume's first use, reopen and interrupted
// commit (LUKS2 -> dm-crypt -> ext4), each over a loop device. Needs root,
// device-mapper, loop devices and /sbin/mke2fs; skips with the reason where
// they are missing (this host's kernel has no device-mapper: run in QEMU).
#include <fcntl.h>
#include <unistd.h>

#include "init/disks.h"
#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/crypto/sha.h"
#include "lib/luks2/data_cipher.h"
#include "lib/luks2/format.h"
#include "lib/luks2/keyslot.h"
#include "lib/verity/hash_tree.h"
#include "tests/unit/dm/loop_device.h"
#include "tests/unit/test_support.h"

namespace {

constexpr const char *kErofs = "tests/data/erofs/small-root.erofs";  // etc/greeting, etc/pattern
constexpr uint64_t kMetadata = uint64_t{16} << 20;

bool usable() {
  if (geteuid() != 0) {
    (void)fprintf(stderr, "SKIP: needs root\n");
    return false;
  }
  return dm_test::dm_control_or_skip_reason().ok();
}

bp::Log quiet_log() { return bp::Log("test", bp::Log::Sinks{2, -1, bp::LogLevel::warning}); }

void test_root_disk(void **) {
  if (!usable()) SKIP_TEST();
  bp::DmControl control = ASSERT_OK(bp::DmControl::open());
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-root-test"));
  bp::Bytes erofs = ASSERT_OK(bp::read_file(kErofs, 1 << 20));
  assert_int_equal(erofs.size() % 4096, 0);

  bp::VerityGeometry geometry;
  geometry.data_blocks = erofs.size() / 4096;
  geometry.salt = unhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  bp::VerityHashTree tree = ASSERT_OK(bp::build_verity_hash_tree(geometry, erofs));
  bp::Bytes plain = erofs;  // [erofs | tree], no verity superblock
  plain.insert(plain.end(), tree.blocks.begin(), tree.blocks.end());

  bp::SecretBytes key = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("root disk key")));
  bp::Random random = ASSERT_OK(bp::Random::create());
  std::string file = dir.file("root.img");
  {
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(file, O_RDWR | O_CREAT, 0600));
    assert_int_equal(ftruncate(fd.get(), static_cast<off_t>(kMetadata + plain.size())), 0);
    bp::Luks2NewVolume volume =
        ASSERT_OK(bp::Luks2NewVolume::prepare({}, kMetadata + plain.size(), key.view(), random));
    ASSERT_OK(volume.write_keyslot_area(fd.get()));
    ASSERT_OK(volume.write_headers(fd.get()));
    bp::Luks2DataCipher cipher =
        ASSERT_OK(bp::Luks2DataCipher::create(volume.metadata().segment, volume.volume_key().view()));
    ASSERT_OK(cipher.encrypt(0, plain.data(), plain.size()));
    ASSERT_OK(bp::pwrite_all(fd.get(), plain, static_cast<off_t>(kMetadata)));
  }
  dm_test::LoopDevice loop = ASSERT_OK(dm_test::LoopDevice::attach(file));

  bp::RootDiskSpec spec;
  spec.device = loop.path();
  spec.verity.root_hash = bp::hex_encode(bp::view(tree.root));
  spec.verity.salt = bp::hex_encode(geometry.salt);
  spec.verity.data_blocks = geometry.data_blocks;
  spec.verity.hash_offset = erofs.size();
  spec.mount_point = dir.file("root");
  {
    bp::RootDisk root = ASSERT_OK(bp::open_root_disk(control, spec, key, quiet_log()));
    std::string greeting = ASSERT_OK(bp::read_text_file(dir.file("root/etc/greeting"), 4096));
    assert_string_equal(greeting.c_str(), "hello from the verified root\n");
    bp::Bytes pattern = ASSERT_OK(bp::read_file(dir.file("root/etc/pattern"), 1 << 20));
    ASSERT_BYTES_EQUAL(bp::view(bp::sha256(pattern)),
                       "02516afeb5e2e684bb77c27479c7990d898fadac9ce0fb6b1f508f5d202c9ea6");
    std::vector<bp::DmTarget> table = ASSERT_OK(control.table("bp-root"));
    assert_int_equal(table.size(), 1);
    assert_string_equal(table[0].type.c_str(), "verity");
    assert_true(table[0].params.find("restart_on_corruption") != std::string::npos);
  }
  // The handles are gone: so are the devices.
  for (const bp::DmListedDevice &d : ASSERT_OK(control.list_devices())) {
    assert_true(d.name != "bp-root" && d.name != "bp-root-crypt");
  }
  bp::SecretBytes wrong = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("other key")));
  ASSERT_ERROR_CONTAINS(bp::open_root_disk(control, spec, wrong, quiet_log()), "opens none");
}

void test_data_disk_lifecycle(void **) {
  if (!usable()) SKIP_TEST();
  if (access("/sbin/mke2fs", X_OK) != 0) {
    (void)fprintf(stderr, "SKIP: no /sbin/mke2fs\n");
    SKIP_TEST();
  }
  bp::DmControl control = ASSERT_OK(bp::DmControl::open());
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-data-test"));
  std::string file = dir.file("data.img");
  {
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(file, O_RDWR | O_CREAT, 0600));
    assert_int_equal(ftruncate(fd.get(), 64 << 20), 0);
  }
  dm_test::LoopDevice loop = ASSERT_OK(dm_test::LoopDevice::attach(file));
  bp::SecretBytes key = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("data disk key")));
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::DataDiskSpec spec;
  spec.device = loop.path();
  spec.mount_point = dir.file("data");

  {
    bp::DataDisk data = ASSERT_OK(bp::open_data_disk(control, spec, key, random, quiet_log()));
    assert_true(data.formatted_now);
    ASSERT_OK(bp::write_file_atomic(dir.file("data/hello"), bp::ByteView::of_string("kept")));
    ASSERT_OK(data.mount.unmount());
    ASSERT_OK(data.crypt.remove());
  }
  {
    bp::DataDisk data = ASSERT_OK(bp::open_data_disk(control, spec, key, random, quiet_log()));
    assert_false(data.formatted_now);
    std::string hello = ASSERT_OK(bp::read_text_file(dir.file("data/hello"), 64));
    assert_string_equal(hello.c_str(), "kept");
  }
  bp::SecretBytes wrong = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("other key")));
  ASSERT_ERROR_CONTAINS(bp::open_data_disk(control, spec, wrong, random, quiet_log()), "opens none");

  // Power lost before the primary header's commit: the next boot completes it
  // and the file system made before the headers is there.
  {
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(loop.path(), O_RDWR));
    ASSERT_OK(bp::pwrite_all(fd.get(), bp::Bytes(4096, 0), 0));
    assert_int_equal(fsync(fd.get()), 0);
  }
  {
    bp::DataDisk data = ASSERT_OK(bp::open_data_disk(control, spec, key, random, quiet_log()));
    std::string hello = ASSERT_OK(bp::read_text_file(dir.file("data/hello"), 64));
    assert_string_equal(hello.c_str(), "kept");
  }
  bp::UniqueFd fd = ASSERT_OK(bp::open_file(loop.path(), O_RDONLY));
  bp::Luks2Volume volume = ASSERT_OK(bp::read_luks2_volume(fd.get()));
  assert_true(volume.headers.state == bp::Luks2HeaderState::valid);

  // A volume that opens but holds no ext4 is refused, not re-made.
  {
    bp::SecretBytes vk = ASSERT_OK(bp::luks2_unlock(fd.get(), volume.metadata, key.view()));
    bp::Bytes zeros(1 << 20, 0);
    bp::Luks2DataCipher cipher = ASSERT_OK(bp::Luks2DataCipher::create(volume.metadata.segment, vk.view()));
    ASSERT_OK(cipher.encrypt(0, zeros.data(), zeros.size()));
    bp::UniqueFd rw = ASSERT_OK(bp::open_file(loop.path(), O_RDWR));
    ASSERT_OK(bp::pwrite_all(rw.get(), zeros, static_cast<off_t>(volume.metadata.segment.offset)));
    assert_int_equal(fsync(rw.get()), 0);
  }
  ASSERT_ERROR_CONTAINS(bp::open_data_disk(control, spec, key, random, quiet_log()),
                        "holds no ext4 file system");
}

}  // namespace

RUN_TESTS("init/disks_dm", cmocka_unit_test(test_root_disk), cmocka_unit_test(test_data_disk_lifecycle))
