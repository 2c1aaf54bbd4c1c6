#include "lib/luks2/format.h"

#include <errno.h>
#include <unistd.h>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/uuid.h"
#include "lib/luks2/keyslot.h"
#include "lib/luks2/metadata_writer.h"

namespace bp {

namespace {

Status sync(int fd, const char *what) {
  if (fdatasync(fd) != 0) return Error::from_errno(format("fdatasync after %s", what), errno);
  return {};
}

// JSON area first, binary header last, each followed by a sync: the binary
// header is what makes the copy exist.
Status write_copy(int fd, ByteView copy, uint64_t offset, const char *name) {
  TRY_CONTEXT(pwrite_all(fd, copy.subview(kLuks2BinaryHeaderSize),
                         static_cast<off_t>(offset + kLuks2BinaryHeaderSize)),
              format("writing the %s JSON area", name));
  TRY(sync(fd, name));
  TRY_CONTEXT(pwrite_all(fd, copy.subview(0, kLuks2BinaryHeaderSize), static_cast<off_t>(offset)),
              format("writing the %s binary header", name));
  return sync(fd, name);
}

}  // namespace

Result<std::string> random_uuid(Random &random) {
  Uuid bytes{};
  TRY(random.fill(bytes.data(), bytes.size()));
  return format_uuid(uuid_v4_from_random(bytes));
}

Result<Luks2NewVolume> Luks2NewVolume::prepare(const Luks2FormatOptions &options, uint64_t device_size,
                                               ByteView passphrase, Random &random,
                                               const std::string &label) {
  if (passphrase.empty()) return Error("LUKS2 format: the key is empty");
  if (label.size() >= 48) return Error("LUKS2 format: label longer than 47 bytes");
  Luks2NewVolume v;
  v.metadata_ = TRY(plan_luks2_layout(options, device_size));
  Luks2Keyslot &slot = v.metadata_.keyslots[0];
  slot.salt = TRY(random.bytes(kLuks2SaltSize));
  v.volume_key_ = TRY(random.secret(slot.key_size));
  v.metadata_.digest.salt = TRY(random.bytes(kLuks2SaltSize));
  v.metadata_.digest.digest = TRY(luks2_compute_digest(v.metadata_.digest, v.volume_key_.view()));
  v.keyslot_area_ = TRY(luks2_seal_keyslot(slot, v.volume_key_.view(), passphrase, random));
  v.uuid_ = TRY(random_uuid(random));

  std::string json = encode_luks2_metadata_json(v.metadata_);
  Luks2BinaryHeader header;
  header.hdr_size = kLuks2DefaultHeaderSize;
  header.seqid = 1;
  header.label = label;
  header.uuid = v.uuid_;
  TRY(random.fill(header.salt.data(), header.salt.size()));
  header.copy = Luks2Copy::primary;
  header.hdr_offset = 0;
  v.primary_ = TRY(encode_luks2_header_copy(header, json));
  TRY(random.fill(header.salt.data(), header.salt.size()));
  header.copy = Luks2Copy::secondary;
  header.hdr_offset = kLuks2DefaultHeaderSize;
  v.secondary_ = TRY(encode_luks2_header_copy(header, json));
  return v;
}

Status Luks2NewVolume::write_keyslot_area(int fd) const {
  TRY_CONTEXT(pwrite_all(fd, keyslot_area_, static_cast<off_t>(metadata_.keyslots[0].area_offset)),
              "writing the keyslot area");
  return sync(fd, "the keyslot area");
}

Status Luks2NewVolume::write_headers(int fd) const {
  TRY(write_secondary_header(fd));
  return write_primary_header(fd);
}

Status Luks2NewVolume::write_secondary_header(int fd) const {
  return write_copy(fd, secondary_, kLuks2DefaultHeaderSize, "secondary header");
}

Status Luks2NewVolume::write_primary_header(int fd) const {
  return write_copy(fd, primary_, 0, "primary header");
}

Status complete_luks2_primary(int fd, const Luks2HeaderCopy &secondary, Random &random) {
  if (secondary.header.copy != Luks2Copy::secondary)
    return Error("complete_luks2_primary needs the secondary copy");
  Luks2BinaryHeader header = secondary.header;
  header.copy = Luks2Copy::primary;
  header.hdr_offset = 0;
  TRY(random.fill(header.salt.data(), header.salt.size()));
  Bytes primary = TRY(encode_luks2_header_copy(header, secondary.json));
  return write_copy(fd, primary, 0, "primary header");
}

}  // namespace bp
