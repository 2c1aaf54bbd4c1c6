// Stage "disks": the root and data disks, unlocked with keys from the broker,
// through the device-mapper ioctl interface (no cryptsetup in the guest).
//
// root: LUKS2 (strict header checks) -> dm-crypt (read-only) -> dm-verity over
//       the decrypted volume (root hash, salt and sizes from the measured
//       config) -> erofs mounted read-only.
// data: LUKS2 -> dm-crypt -> ext4. On first use the disk is formatted by a
//       state machine that survives power loss at any point:
//         blank (no binary header)          -> format: write the keyslot
//                                              area, activate dm-crypt with
//                                              the new volume key, mke2fs,
//                                              then write the headers
//                                              (secondary, primary last)
//         secondary_only (crash between the -> open the secondary with the
//           two header writes)                 key, write the primary
//         valid                             -> open with the key; the volume
//                                              must hold ext4
//       The file system is made before the headers, so a committed header
//       always means a complete file system: a header that opens but holds
//       no ext4 is refused, never re-made. Any other state (a header we did
//       not write, one that fails the allow-list, one our key does not open)
//       is refused with the reason; nothing is ever reformatted.
//
// The dm tables are built from our constants (aes-xts-plain64, the segment's
// offset and sector size), the volume key is passed as a keyring logon key
// that is revoked as soon as the table is loaded. The returned handles tear
// everything down in reverse order when destroyed (unmount, then remove the
// dm devices: the kernel drops the keys).
#pragma once

#include <optional>
#include <string>

#include "init/config.h"
#include "init/mounted_fs.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/random.h"
#include "lib/dm/dm_control.h"
#include "lib/dm/dm_device.h"
#include "lib/luks2/volume.h"

namespace bp {

struct RootDiskSpec {
  std::string device;  // e.g. /dev/vda (found by serial)
  VerityConfig verity;
  CorruptionAction on_corruption = CorruptionAction::restart;
  std::string mount_point;  // where the erofs root is mounted
  std::string dm_node_dir = "/dev/mapper";
};

struct DataDiskSpec {
  std::string device;
  bool integrity = false;
  std::string mount_point;
  std::string mke2fs = "/sbin/mke2fs";  // in the initramfs
  TestPause test_pause = TestPause::none;
  std::string dm_node_dir = "/dev/mapper";
};

// Members are destroyed bottom-up: the mount first, the crypt device last.
struct RootDisk {
  DmDevice crypt;
  DmDevice verity;
  MountedFs mount;
};

struct DataDisk {
  DmDevice crypt;
  MountedFs mount;
  bool formatted_now = false;  // this boot created the volume
};

Result<RootDisk> open_root_disk(const DmControl &control, const RootDiskSpec &spec, const SecretBytes &key,
                                const Log &log);

Result<DataDisk> open_data_disk(const DmControl &control, const DataDiskSpec &spec, const SecretBytes &key,
                                Random &random, const Log &log);

// The whole stage from the measured config: finds the disks by serial, opens
// /dev/mapper/control, opens the root disk and (if configured) the data disk.
// data_key may be null only when no data disk is configured.
struct DisksStageOptions {
  std::string root_mount = "/run/buckypaper/root";  // the erofs root (holds the OCI bundle)
  std::string data_mount = "/run/buckypaper/data";  // handover bind-mounts it at disks.data.mount
  std::string mke2fs = "/sbin/mke2fs";
  std::string sys_block = "/sys/block";
  std::string dev_dir = "/dev";  // disks, and mapper/ (the control node and the dm nodes)
};

struct DisksStageResult {
  RootDisk root;
  std::optional<DataDisk> data;
};

Result<DisksStageResult> run_disks_stage(const InitConfig &config, const SecretBytes &root_key,
                                         const SecretBytes *data_key, Random &random, const Log &log,
                                         const DisksStageOptions &options = DisksStageOptions());

// Shutdown: unmounts the data and root file systems and removes their dm
// devices, in that order, logging each failure; what could not be removed
// now is left to the handles' destructors (lazy unmount, deferred removal).
Status teardown_disks(DisksStageResult &disks, const Log &log);

// What open_data_disk does with a device, from what check_luks2_volume found.
enum class DataDiskAction { format, complete_format, open };
Result<DataDiskAction> plan_data_disk(const Luks2VolumeCheck &check);

// Activates dm-crypt over a LUKS2 volume's segment with the volume key
// (through a logon key "buckypaper:<name>" that is gone when this returns),
// its node in node_dir.
Result<DmDevice> activate_luks2_crypt(const DmControl &control, const std::string &device,
                                      const Luks2Metadata &metadata, uint64_t device_size,
                                      const std::string &uuid, const SecretBytes &volume_key,
                                      const std::string &name, bool read_only, const std::string &node_dir);

// The ext4 magic (0xEF53 at byte 1080) on a device.
Result<bool> has_ext4_superblock(const std::string &device);

// Where the verity tree starts: after a veritysetup superblock at hash_offset
// if one is there and matches the config, else at hash_offset. Either way the
// kernel checks every block against the measured root hash, so a lying
// superblock can only make verification fail.
Result<uint64_t> verity_hash_start(const std::string &device, const VerityConfig &config);

}  // namespace bp
