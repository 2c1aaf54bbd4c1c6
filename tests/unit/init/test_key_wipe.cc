// bp-init wipes every key on every failure path once the broker's keys have
// arrived: the disks stage is made to fail at each step (a missing key, each
// device-mapper command refused by the fake device-mapper, a node that cannot
// be made, a key that does not open the header, mke2fs failing, the device
// unreadable after activation), and afterwards no SecretBytes is alive (each
// one is zeroed when destroyed: tests/unit/core/test_secret_bytes.cc), the
// released secrets are gone, no logon key is left in the keyring and no dm
// device is left behind. Needs root (mknod) and the kernel keyring.
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init/boot_secrets.h"
#include "init/disks.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/keyring/logon_key.h"
#include "lib/luks2/format.h"
#include "tests/unit/dm/fake_device_mapper.h"
#include "tests/unit/test_support.h"

namespace {

constexpr uint64_t kDiskSize = uint64_t{32} << 20;
const bp::ByteView kRootKey = bp::ByteView::of_string("the root disk passphrase from the broker");
const bp::ByteView kDataKey = bp::ByteView::of_string("the data disk passphrase from the broker");
const bp::ByteView kGreeting = bp::ByteView::of_string("a workload secret");

bool usable() {
  if (geteuid() != 0) {
    (void)fprintf(stderr, "SKIP: needs root (mknod)\n");
    return false;
  }
  if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, static_cast<long>(KEY_SPEC_PROCESS_KEYRING), 1L) < 0) {
    (void)fprintf(stderr, "SKIP: kernel keyring unavailable\n");
    return false;
  }
  return true;
}

bp::Log quiet_log() { return bp::Log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::error}); }

// A guest's /dev and /sys/block in a temporary directory: the disks are
// files, /dev/mapper/control answers through the fake device-mapper.
struct Machine {
  bp::TempDir dir;
  bp::DisksStageOptions options;
  bp::InitConfig config;

  static Machine create() {
    Machine m{ASSERT_OK(bp::TempDir::create("bp-key-wipe")), {}, {}};
    for (const char *d : {"dev", "dev/mapper", "sys", "sys/vda", "sys/vdb", "root", "data"}) {
      assert_int_equal(mkdir(m.dir.file(d).c_str(), 0700), 0);
    }
    ASSERT_OK(bp::write_file_atomic(m.dir.file("dev/mapper/control"), bp::Bytes(), 0600));
    ASSERT_OK(
        bp::write_file_atomic(m.dir.file("sys/vda/serial"), bp::ByteView::of_string("bp-root\n"), 0644));
    ASSERT_OK(
        bp::write_file_atomic(m.dir.file("sys/vdb/serial"), bp::ByteView::of_string("bp-data\n"), 0644));
    m.options.dev_dir = m.dir.file("dev");
    m.options.sys_block = m.dir.file("sys");
    m.options.root_mount = m.dir.file("root");
    m.options.data_mount = m.dir.file("data");
    m.options.mke2fs = "/bin/false";
    m.config.broker.url = "https://10.0.2.100:8443";
    m.config.root_disk.serial = "bp-root";
    m.config.root_disk.verity.root_hash = std::string(64, 'a');
    m.config.root_disk.verity.salt = std::string(64, 'b');
    m.config.root_disk.verity.data_blocks = 16;
    m.config.root_disk.verity.hash_offset = uint64_t{16} * 4096;
    m.config.data_disk = bp::DataDiskConfig{"bp-data", false, "/data"};
    m.config.resources = {{"root", "buckypaper", "disk", "root", bp::ResourceUse::root_disk_key},
                          {"data", "buckypaper", "disk", "data", bp::ResourceUse::data_disk_key},
                          {"greeting", "buckypaper", "secret", "greeting", bp::ResourceUse::workload_secret}};
    return m;
  }

  // A LUKS2 volume opened by passphrase (its file system is never reached).
  void make_volume(const char *name, bp::ByteView passphrase, bool primary_header = true) {
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(dir.file(name), O_RDWR | O_CREAT | O_TRUNC, 0600));
    assert_int_equal(ftruncate(fd.get(), static_cast<off_t>(kDiskSize)), 0);
    bp::Random random = ASSERT_OK(bp::Random::create());
    bp::Luks2NewVolume volume = ASSERT_OK(bp::Luks2NewVolume::prepare({}, kDiskSize, passphrase, random));
    ASSERT_OK(volume.write_keyslot_area(fd.get()));
    ASSERT_OK(volume.write_secondary_header(fd.get()));
    if (primary_header) ASSERT_OK(volume.write_primary_header(fd.get()));
  }
  void make_blank(const char *name) {
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(dir.file(name), O_RDWR | O_CREAT | O_TRUNC, 0600));
    assert_int_equal(ftruncate(fd.get(), static_cast<off_t>(kDiskSize)), 0);
  }
};

bp::kbs::AttestResult released(bp::ByteView root_key) {
  bp::kbs::AttestResult result;
  result.resources.push_back({"root", ASSERT_OK(bp::SecretBytes::copy_of(root_key))});
  result.resources.push_back({"data", ASSERT_OK(bp::SecretBytes::copy_of(kDataKey))});
  result.resources.push_back({"greeting", ASSERT_OK(bp::SecretBytes::copy_of(kGreeting))});
  result.token = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("attestation token")));
  bp::Random random = ASSERT_OK(bp::Random::create());
  result.tee_key = ASSERT_OK(bp::kbs::TeeKey::generate(random));
  result.provider = "sim";
  return result;
}

// What must hold after any failure: nothing secret left in this process or
// the keyring, no device and no node left behind.
void assert_all_wiped(const Machine &m, size_t live_before, const char *dm_name) {
  assert_int_equal(bp::SecretBytes::live_count(), live_before);
  assert_int_equal(fake_dm::kernel().devices.size(), 0);
  ASSERT_ERROR_CONTAINS(bp::find_logon_key(std::string("buckypaper:") + dm_name), "keyctl search");
  struct stat st;
  std::string node = m.dir.file("dev/mapper/") + dm_name;
  assert_false(lstat(node.c_str(), &st) == 0 && S_ISBLK(st.st_mode));
}

// Runs the stage as bp-init does, with the released secrets, expecting it to
// fail with `expected`; then checks that everything was wiped.
void fail_stage(Machine &m, bp::ByteView root_key, const char *expected) {
  bp::Random random = ASSERT_OK(bp::Random::create());  // holds its own seed
  size_t live_before = bp::SecretBytes::live_count();
  {
    bp::kbs::AttestResult keys = released(root_key);
    assert_true(bp::SecretBytes::live_count() >= live_before + 4);  // three resources and the token
    ASSERT_ERROR_CONTAINS(bp::run_disks_with_released_keys(m.config, keys, random, quiet_log(), m.options),
                          expected);
    assert_int_equal(keys.resources.size(), 0);
    assert_true(keys.token.empty());
  }
  assert_all_wiped(m, live_before, "bp-root-crypt");
  fake_dm::kernel().reset();
}

void test_root_disk_failures_wipe_the_keys(void **) {
  if (!usable()) SKIP_TEST();
  fake_dm::kernel().reset();
  Machine m = Machine::create();
  m.make_volume("dev/vda", kRootKey);
  m.make_blank("dev/vdb");

  // The broker released the keys, but not the root disk's.
  m.config.resources[0].tag = "other";
  m.config.resources[0].name = "other";
  fail_stage(m, kRootKey, "the broker released no root disk key");
  m.config.resources[0].name = "root";

  fake_dm::kernel().fail_on(DM_VERSION_CMD, 1);
  fail_stage(m, kRootKey, "device-mapper DM_VERSION");

  m.config.root_disk.serial = "not-there";
  fail_stage(m, kRootKey, "no disk with serial 'not-there'");
  m.config.root_disk.serial = "bp-root";

  fail_stage(m, bp::ByteView::of_string("a key that does not open it"), "root disk");

  fake_dm::kernel().fail_on(DM_DEV_CREATE_CMD, 1, EBUSY);
  fail_stage(m, kRootKey, "DM_DEV_CREATE of 'bp-root-crypt'");
  fake_dm::kernel().fail_on(DM_TABLE_LOAD_CMD, 1, EINVAL);
  fail_stage(m, kRootKey, "DM_TABLE_LOAD of 'bp-root-crypt'");
  fake_dm::kernel().fail_on(DM_DEV_SUSPEND_CMD, 1, ENOMEM);
  fail_stage(m, kRootKey, "DM_DEV_SUSPEND (resume) of 'bp-root-crypt'");

  // The node cannot be made: a directory is in its place.
  std::string in_the_way = m.dir.file("dev/mapper/bp-root-crypt");
  assert_int_equal(mkdir(in_the_way.c_str(), 0700), 0);
  fail_stage(m, kRootKey, ("unlink " + in_the_way).c_str());
  assert_int_equal(rmdir(in_the_way.c_str()), 0);

  // Activated, then the device cannot be read (the fake's node has no
  // driver): the crypt device and its key go again.
  fail_stage(m, kRootKey, "bp-root-crypt");
}

// The data disk on its own (the fake's root cannot be mounted, so the stage
// never reaches it): each path that holds a volume key fails part way.
void fail_data_disk(Machine &m, bp::ByteView key, const char *expected) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  size_t live_before = bp::SecretBytes::live_count();
  {
    bp::SecretBytes data_key = ASSERT_OK(bp::SecretBytes::copy_of(key));
    bp::DmControl control = ASSERT_OK(bp::DmControl::open(m.dir.file("dev/mapper/control")));
    bp::DataDiskSpec spec;
    spec.device = m.dir.file("dev/vdb");
    spec.mount_point = m.dir.file("data");
    spec.mke2fs = "/bin/false";
    spec.dm_node_dir = m.dir.file("dev/mapper");
    ASSERT_ERROR_CONTAINS(bp::open_data_disk(control, spec, data_key, random, quiet_log()), expected);
    assert_int_equal(bp::SecretBytes::live_count(), live_before + 1);  // the caller's key only
  }
  assert_all_wiped(m, live_before, "bp-data");
  fake_dm::kernel().reset();
}

void test_data_disk_failures_wipe_the_keys(void **) {
  if (!usable()) SKIP_TEST();
  fake_dm::kernel().reset();
  Machine m = Machine::create();

  // First use: the volume key is made here, then each step fails.
  m.make_blank("dev/vdb");
  fake_dm::kernel().fail_on(DM_DEV_CREATE_CMD, 1);
  fail_data_disk(m, kDataKey, "DM_DEV_CREATE of 'bp-data'");
  m.make_blank("dev/vdb");
  fake_dm::kernel().fail_on(DM_TABLE_LOAD_CMD, 1);
  fail_data_disk(m, kDataKey, "DM_TABLE_LOAD of 'bp-data'");
  m.make_blank("dev/vdb");
  fail_data_disk(m, kDataKey, "/bin/false");  // mke2fs fails on the new volume

  // An existing volume: a key that does not open it, a refused resume, then
  // activation that works but the device holds no readable ext4.
  m.make_volume("dev/vdb", kDataKey);
  fail_data_disk(m, bp::ByteView::of_string("not the data key"), "dev/vdb");
  fake_dm::kernel().fail_on(DM_DEV_SUSPEND_CMD, 1);
  fail_data_disk(m, kDataKey, "DM_DEV_SUSPEND (resume) of 'bp-data'");
  fail_data_disk(m, kDataKey, "bp-data");

  // An interrupted first use (secondary header only): completed, then refused.
  m.make_volume("dev/vdb", kDataKey, /*primary_header=*/false);
  fake_dm::kernel().fail_on(DM_TABLE_LOAD_CMD, 1);
  fail_data_disk(m, kDataKey, "DM_TABLE_LOAD of 'bp-data'");
}

// The workload secrets reach the agent's memfd; the released secrets the
// memfd was made from are wiped with the rest by the disks stage.
void test_agent_memfd_then_failure(void **) {
  if (!usable()) SKIP_TEST();
  fake_dm::kernel().reset();
  Machine m = Machine::create();
  bp::Random random = ASSERT_OK(bp::Random::create());
  size_t live_before = bp::SecretBytes::live_count();
  {
    bp::kbs::AttestResult keys = released(kRootKey);
    size_t with_keys = bp::SecretBytes::live_count();
    bp::UniqueFd memfd = ASSERT_OK(bp::agent_secrets_memfd(m.config, keys));
    assert_int_equal(bp::SecretBytes::live_count(), with_keys);  // the copies are gone
    fake_dm::kernel().fail_on(DM_VERSION_CMD, 1);
    ASSERT_ERROR_CONTAINS(bp::run_disks_with_released_keys(m.config, keys, random, quiet_log(), m.options),
                          "DM_VERSION");
    assert_int_equal(bp::SecretBytes::live_count(), live_before);
    // The memfd is sealed: nobody (this process included) can change it.
    assert_true(write(memfd.get(), "x", 1) < 0);
    assert_int_equal(errno, EPERM);
  }
  // A workload secret missing from what the broker released.
  bp::kbs::AttestResult keys = released(kRootKey);
  keys.resources.pop_back();
  size_t with_keys = bp::SecretBytes::live_count();
  ASSERT_ERROR_CONTAINS(bp::agent_secrets_memfd(m.config, keys), "released no 'greeting'");
  assert_int_equal(bp::SecretBytes::live_count(), with_keys);
  fake_dm::kernel().reset();
}

}  // namespace

RUN_TESTS("init/key_wipe", cmocka_unit_test(test_root_disk_failures_wipe_the_keys),
          cmocka_unit_test(test_data_disk_failures_wipe_the_keys),
          cmocka_unit_test(test_agent_memfd_then_failure))
