#include "init/disks.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "init/block_device.h"
#include "init/run_program.h"
#include "lib/core/byte_order.h"
#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/dm/crypt_table.h"
#include "lib/dm/verity_table.h"
#include "lib/keyring/logon_key.h"
#include "lib/luks2/format.h"
#include "lib/luks2/keyslot.h"
#include "lib/luks2/metadata_layout.h"
#include "lib/verity/geometry.h"
#include "lib/verity/superblock.h"

namespace bp {

namespace {

constexpr const char *kRootCrypt = "bp-root-crypt";
constexpr const char *kRootVerity = "bp-root";
constexpr const char *kDataCrypt = "bp-data";

// cryptsetup's dm uuid form, so `cryptsetup status` recognises the devices.
std::string dm_uuid(const char *kind, const std::string &luks_uuid, const std::string &name) {
  std::string compact;
  for (char c : luks_uuid) {
    if (c != '-') compact += c;
  }
  return format("CRYPT-%s-%s-%s", kind, compact.c_str(), name.c_str());
}

Result<Luks2Volume> read_volume(int fd, const std::string &device) {
  return TRY_CONTEXT(read_luks2_volume(fd), device);
}

}  // namespace

Result<DataDiskAction> plan_data_disk(const Luks2VolumeCheck &check) {
  if (check.blank) return DataDiskAction::format;
  if (!check.volume) return Error("the data disk is refused: " + join(check.problems, "; "));
  if (check.volume->headers.state == Luks2HeaderState::secondary_only) return DataDiskAction::complete_format;
  return DataDiskAction::open;
}

Result<DmDevice> activate_luks2_crypt(const DmControl &control, const std::string &device,
                                      const Luks2Metadata &metadata, uint64_t device_size,
                                      const std::string &uuid, const SecretBytes &volume_key,
                                      const std::string &name, bool read_only, const std::string &node_dir) {
  if (metadata.segment.integrity != Luks2Integrity::none) {
    return Error("hmac(sha256) integrity needs a dm-integrity device, which the init does not set up yet");
  }
  if (volume_key.size() != metadata.volume_key_size())
    return Error("volume key size does not match the header");
  LogonKey key = TRY(LogonKey::add("buckypaper:" + name, volume_key));
  CryptTableSpec crypt;
  crypt.length_sectors = luks2_segment_length(metadata.segment, device_size) / 512;
  crypt.device = device;
  crypt.offset_sectors = metadata.segment.offset / 512;
  crypt.iv_offset = 0;
  crypt.key_size = static_cast<uint32_t>(volume_key.size());
  crypt.key_description = key.description();
  crypt.sector_size = metadata.segment.sector_size;
  DmDeviceSpec spec;
  spec.name = name;
  spec.uuid = dm_uuid("LUKS2", uuid, name);
  spec.table.push_back(TRY(crypt_target(crypt)));
  spec.options.read_only = read_only;
  spec.options.secure_data = true;
  spec.node_dir = node_dir;
  DmDevice dm = TRY(DmDevice::activate(control, spec));
  // dm-crypt copied the key when the table was loaded.
  TRY(key.remove());
  return dm;
}

Result<bool> has_ext4_superblock(const std::string &device) {
  UniqueFd fd = TRY(open_file(device, O_RDONLY));
  uint8_t magic[2];
  TRY_CONTEXT(pread_exact(fd.get(), magic, sizeof magic, 1080), device);
  return load_le16(magic) == 0xef53;
}

Result<uint64_t> verity_hash_start(const std::string &device, const VerityConfig &config) {
  if (config.hash_offset % 512 != 0) return Error("verity hash_offset is not a multiple of 512");
  UniqueFd fd = TRY(open_file(device, O_RDONLY));
  Bytes block(kVeritySuperblockSize);
  TRY_CONTEXT(pread_exact(fd.get(), block.data(), block.size(), static_cast<off_t>(config.hash_offset)),
              device);
  Result<VeritySuperblock> superblock = parse_verity_superblock(block);
  bool present = false;
  if (superblock.ok()) {
    const VerityGeometry &g = superblock.value().geometry;
    present = g.data_block_size == config.data_block_size && g.hash_block_size == config.hash_block_size &&
              g.data_blocks == config.data_blocks && hex_encode(g.salt) == to_lower(config.salt);
  }
  return verity_hash_start_block(config.hash_offset, config.hash_block_size, present);
}

Result<RootDisk> open_root_disk(const DmControl &control, const RootDiskSpec &spec, const SecretBytes &key,
                                const Log &log) {
  UniqueFd fd = TRY(open_file(spec.device, O_RDONLY));
  Luks2Volume volume = TRY(read_volume(fd.get(), spec.device));
  if (volume.headers.state != Luks2HeaderState::valid) {
    return Error(spec.device + ": the root disk has only a secondary LUKS2 header; refusing");
  }
  SecretBytes volume_key = TRY_CONTEXT(luks2_unlock(fd.get(), volume.metadata, key.view()), spec.device);
  const std::string &uuid = volume.headers.header.header.uuid;
  DmDevice crypt = TRY(activate_luks2_crypt(control, spec.device, volume.metadata, volume.device_size, uuid,
                                            volume_key, kRootCrypt, /*read_only=*/true, spec.dm_node_dir));
  volume_key.wipe();
  log.info("root: %s unlocked as %s", spec.device.c_str(), crypt.node_path().c_str());

  VerityTableSpec verity;
  verity.data_device = crypt.device_string();
  verity.hash_device = crypt.device_string();
  verity.data_block_size = spec.verity.data_block_size;
  verity.hash_block_size = spec.verity.hash_block_size;
  verity.data_blocks = spec.verity.data_blocks;
  verity.hash_start_block = TRY(verity_hash_start(crypt.node_path(), spec.verity));
  verity.root_digest = TRY_CONTEXT(hex_decode(spec.verity.root_hash), "verity root hash");
  verity.salt = TRY_CONTEXT(hex_decode(spec.verity.salt), "verity salt");
  verity.on_corruption =
      spec.on_corruption == CorruptionAction::panic ? VerityOnCorruption::panic : VerityOnCorruption::restart;
  DmDeviceSpec verity_spec;
  verity_spec.name = kRootVerity;
  verity_spec.uuid = dm_uuid("VERITY", uuid, kRootVerity);
  verity_spec.table.push_back(TRY(verity_target(verity)));
  verity_spec.options.read_only = true;
  verity_spec.node_dir = spec.dm_node_dir;
  DmDevice verity_device = TRY(DmDevice::activate(control, verity_spec));
  MountedFs mount = TRY(MountedFs::mount(verity_device.node_path(), spec.mount_point, "erofs",
                                         MS_RDONLY | MS_NODEV | MS_NOSUID));
  log.info("root: erofs verified by dm-verity mounted on %s", spec.mount_point.c_str());
  return RootDisk{std::move(crypt), std::move(verity_device), std::move(mount)};
}

Result<DataDisk> open_data_disk(const DmControl &control, const DataDiskSpec &spec, const SecretBytes &key,
                                Random &random, const Log &log) {
  if (spec.integrity) {
    return Error(
        "data disk integrity (hmac(sha256)) is not supported by the init yet: it needs dm-integrity");
  }
  UniqueFd fd = TRY(open_file(spec.device, O_RDWR));
  Luks2VolumeCheck check = check_luks2_volume(fd.get());
  DataDiskAction action = TRY_CONTEXT(plan_data_disk(check), spec.device);

  if (action == DataDiskAction::format) {
    uint64_t size = TRY(file_size(fd.get()));
    log.info("data: %s is blank: formatting (first use)", spec.device.c_str());
    Luks2NewVolume volume = TRY(Luks2NewVolume::prepare(Luks2FormatOptions{}, size, key.view(), random));
    TRY(volume.write_keyslot_area(fd.get()));
    pause_if_configured(spec.test_pause, TestPause::data_keyslots_written, log);
    // The volume works before its header exists: make the file system now,
    // so that a committed header always has one.
    DmDevice crypt =
        TRY(activate_luks2_crypt(control, spec.device, volume.metadata(), size, volume.uuid(),
                                 volume.volume_key(), kDataCrypt, /*read_only=*/false, spec.dm_node_dir));
    TRY(run_program(
        {spec.mke2fs, "-t", "ext4", "-b", "4096", "-q", "-F", "-E", "nodiscard", crypt.node_path()}));
    pause_if_configured(spec.test_pause, TestPause::data_filesystem_made, log);
    TRY(volume.write_secondary_header(fd.get()));
    pause_if_configured(spec.test_pause, TestPause::data_secondary_header, log);
    TRY(volume.write_primary_header(fd.get()));
    log.info("data: LUKS2 header committed (uuid %s)", volume.uuid().c_str());
    pause_if_configured(spec.test_pause, TestPause::data_committed, log);
    MountedFs mount = TRY(MountedFs::mount(crypt.node_path(), spec.mount_point, "ext4", MS_NODEV | MS_NOSUID,
                                           "errors=remount-ro"));
    return DataDisk{std::move(crypt), std::move(mount), true};
  }

  Luks2Volume volume = std::move(*check.volume);
  SecretBytes volume_key = TRY_CONTEXT(luks2_unlock(fd.get(), volume.metadata, key.view()), spec.device);
  if (action == DataDiskAction::complete_format) {
    // Our key opened it, so we wrote it: finish the interrupted commit.
    log.info("data: completing an interrupted format (writing the primary header)");
    TRY(complete_luks2_primary(fd.get(), volume.headers.header, random));
  }
  DmDevice crypt = TRY(activate_luks2_crypt(control, spec.device, volume.metadata, volume.device_size,
                                            volume.headers.header.header.uuid, volume_key, kDataCrypt, false,
                                            spec.dm_node_dir));
  volume_key.wipe();
  if (!TRY(has_ext4_superblock(crypt.node_path()))) {
    return Error(spec.device +
                 ": the data volume opens with our key but holds no ext4 file system; refusing to "
                 "create one over existing data");
  }
  MountedFs mount = TRY(MountedFs::mount(crypt.node_path(), spec.mount_point, "ext4", MS_NODEV | MS_NOSUID,
                                         "errors=remount-ro"));
  log.info("data: %s mounted on %s", spec.device.c_str(), spec.mount_point.c_str());
  return DataDisk{std::move(crypt), std::move(mount), false};
}

Result<DisksStageResult> run_disks_stage(const InitConfig &config, const SecretBytes &root_key,
                                         const SecretBytes *data_key, Random &random, const Log &log,
                                         const DisksStageOptions &options) {
  DmControl control = TRY(DmControl::open(options.dev_dir + "/mapper/control"));
  DmVersion version = TRY(control.version());
  log.info("device-mapper interface %u.%u.%u", version.major, version.minor, version.patch);

  RootDiskSpec root;
  root.device = TRY(find_disk_by_serial(config.root_disk.serial, options.sys_block, options.dev_dir));
  root.verity = config.root_disk.verity;
  root.on_corruption = config.root_disk.on_corruption;
  root.mount_point = options.root_mount;
  root.dm_node_dir = options.dev_dir + "/mapper";
  RootDisk root_disk = TRY_CONTEXT(open_root_disk(control, root, root_key, log), "root disk");

  std::optional<DataDisk> data_disk;
  if (config.data_disk) {
    if (data_key == nullptr) return Error("a data disk is configured but no data-disk key was fetched");
    DataDiskSpec data;
    data.device = TRY(find_disk_by_serial(config.data_disk->serial, options.sys_block, options.dev_dir));
    data.integrity = config.data_disk->integrity;
    data.mount_point = options.data_mount;
    data.mke2fs = options.mke2fs;
    data.test_pause = config.test_pause;
    data.dm_node_dir = options.dev_dir + "/mapper";
    // On failure root_disk's destructor tears the root down again.
    data_disk.emplace(TRY_CONTEXT(open_data_disk(control, data, *data_key, random, log), "data disk"));
  }
  return DisksStageResult{std::move(root_disk), std::move(data_disk)};
}

Status teardown_disks(DisksStageResult &disks, const Log &log) {
  Status first;
  auto step = [&](Status status, const char *what) {
    if (status.ok()) return;
    log.error("teardown: %s: %s", what, status.error().message().c_str());
    if (first.ok()) first = status.release_error().with_context(what);
  };
  if (disks.data) {
    step(disks.data->mount.unmount(), "unmounting the data disk");
    step(disks.data->crypt.remove(), "removing the data dm-crypt device");
  }
  step(disks.root.mount.unmount(), "unmounting the root disk");
  step(disks.root.verity.remove(), "removing the root dm-verity device");
  step(disks.root.crypt.remove(), "removing the root dm-crypt device");
  return first;
}

}  // namespace bp
