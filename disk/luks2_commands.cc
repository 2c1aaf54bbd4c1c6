#include "disk/luks2_commands.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/crypto/random.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "lib/luks2/data_cipher.h"
#include "lib/luks2/format.h"
#include "lib/luks2/keyslot.h"
#include "lib/luks2/metadata_layout.h"
#include "lib/luks2/volume.h"

namespace bp {

namespace {

constexpr size_t kMaxKeyFile = size_t{64} * 1024;
constexpr size_t kChunk = size_t{1} << 20;  // a multiple of every sector size

struct Unlocked {
  UniqueFd fd;
  Luks2Volume volume;
  SecretBytes volume_key;
};

Result<Unlocked> unlock(const std::string &device, const std::string &key_file, int flags) {
  SecretBytes key = TRY(read_key_file(key_file));
  UniqueFd fd = TRY(open_file(device, flags));
  Luks2Volume volume = TRY_CONTEXT(read_luks2_volume(fd.get()), device);
  if (volume.headers.state != Luks2HeaderState::valid) {
    return Error(device + ": only the secondary header is present (an interrupted format); refusing");
  }
  SecretBytes vk = TRY_CONTEXT(luks2_unlock(fd.get(), volume.metadata, key.view()), device);
  return Unlocked{std::move(fd), std::move(volume), std::move(vk)};
}

const char *state_name(Luks2HeaderState state) {
  switch (state) {
    case Luks2HeaderState::blank:
      return "blank";
    case Luks2HeaderState::secondary_only:
      return "secondary_only";
    case Luks2HeaderState::valid:
      return "valid";
  }
  return "?";
}

}  // namespace

Result<SecretBytes> read_key_file(const std::string &path) {
  UniqueFd fd = TRY(open_file(path, O_RDONLY));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return Error::from_errno("stat " + path, errno);
  if (!S_ISREG(st.st_mode)) return Error(path + ": a key file must be a regular file");
  if (st.st_size <= 0 || static_cast<uint64_t>(st.st_size) > kMaxKeyFile) {
    return Error(format("%s: key file of %lld bytes, expected 1 to %zu", path.c_str(),
                        static_cast<long long>(st.st_size), kMaxKeyFile));
  }
  SecretBytes key = TRY(SecretBytes::allocate(static_cast<size_t>(st.st_size)));
  TRY_CONTEXT(pread_exact(fd.get(), key.data(), key.size(), 0), path);
  return key;
}

int luks2_dump(const std::string &device, FILE *out, FILE *err) {
  Result<UniqueFd> fd = open_file(device, O_RDONLY);
  if (!fd.ok()) {
    (void)fprintf(err, "bp-disk: %s\n", fd.error().message().c_str());
    return 1;
  }
  Luks2VolumeCheck check = check_luks2_volume(fd.value().get());
  if (!check.volume) {
    (void)fprintf(err, "bp-disk: %s is refused:\n", device.c_str());
    for (const std::string &problem : check.problems) (void)fprintf(err, "  %s\n", problem.c_str());
    return 1;
  }
  const Luks2Volume &v = *check.volume;
  const Luks2BinaryHeader &h = v.headers.header.header;
  // The metadata was validated against the allow-list; it is shown as stored.
  Result<Json> metadata = parse_json(v.headers.header.json, h.hdr_size, 8);
  JsonObjectBuilder dump;
  dump.add_string("device", device)
      .add_u64("device_size", v.device_size)
      .add_string("state", state_name(v.headers.state))
      .add_bool("secondary_stale", v.headers.secondary_stale)
      .add_u64("hdr_size", h.hdr_size)
      .add_u64("seqid", h.seqid)
      .add_string("uuid", h.uuid)
      .add_string("label", h.label)
      .add_string("subsystem", h.subsystem)
      .add_u64("data_offset", v.metadata.segment.offset)
      .add_u64("data_size", luks2_segment_length(v.metadata.segment, v.device_size));
  if (metadata.ok()) dump.add_value("metadata", metadata.value());
  Result<Json> built = dump.build();
  Result<std::string> text = built.ok() ? json_compact(built.value()) : Result<std::string>(built.error());
  if (!metadata.ok() || !text.ok()) {
    (void)fprintf(err, "bp-disk: %s\n", (!metadata.ok() ? metadata.error() : text.error()).message().c_str());
    return 1;
  }
  (void)fprintf(out, "%s\n", text.value().c_str());
  return 0;
}

Result<std::string> luks2_format(const Luks2FormatRequest &request) {
  SecretBytes key = TRY(read_key_file(request.key_file));
  UniqueFd fd = TRY(open_file(request.device, O_RDWR));
  Luks2VolumeCheck check = check_luks2_volume(fd.get());
  if (!check.blank) {
    return Error(
        request.device +
        ": the header area is not blank; refusing to overwrite it (zero the first 16 MiB to reuse the "
        "device)");
  }
  uint64_t size = TRY(file_size(fd.get()));
  Random random = TRY(Random::create(ByteView::of_string("bp-disk luks2 format")));
  Luks2FormatOptions options;
  options.integrity = request.integrity;
  options.sector_size = request.sector_size;
  Luks2NewVolume volume = TRY(Luks2NewVolume::prepare(options, size, key.view(), random, request.label));
  TRY(volume.write_keyslot_area(fd.get()));
  TRY(volume.write_headers(fd.get()));
  return volume.uuid();
}

Result<std::string> luks2_volume_key_hex(const std::string &device, const std::string &key_file) {
  Unlocked u = TRY(unlock(device, key_file, O_RDONLY));
  return hex_encode(u.volume_key.view());
}

Result<uint64_t> luks2_write_image(const std::string &device, const std::string &key_file,
                                   const std::string &input) {
  Unlocked u = TRY(unlock(device, key_file, O_RDWR));
  Luks2DataCipher cipher = TRY(Luks2DataCipher::create(u.volume.metadata.segment, u.volume_key.view()));
  uint64_t capacity = luks2_segment_length(u.volume.metadata.segment, u.volume.device_size);
  UniqueFd in = TRY(open_file(input, O_RDONLY));
  uint64_t input_size = TRY(file_size(in.get()));
  if (input_size > capacity) {
    return Error(format("%s: %llu bytes do not fit the %llu-byte data segment of %s", input.c_str(),
                        static_cast<unsigned long long>(input_size),
                        static_cast<unsigned long long>(capacity), device.c_str()));
  }
  uint64_t base = u.volume.metadata.segment.offset;
  std::vector<uint8_t> buffer(kChunk);
  uint64_t done = 0;
  while (done < input_size) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, input_size - done));
    TRY_CONTEXT(pread_exact(in.get(), buffer.data(), n, static_cast<off_t>(done)), input);
    size_t padded = (n + cipher.sector_size() - 1) / cipher.sector_size() * cipher.sector_size();
    std::fill(buffer.begin() + static_cast<long>(n), buffer.begin() + static_cast<long>(padded), 0);
    TRY(cipher.encrypt(done, buffer.data(), padded));
    TRY_CONTEXT(pwrite_all(u.fd.get(), ByteView(buffer.data(), padded), static_cast<off_t>(base + done)),
                device);
    done += padded;
  }
  if (fdatasync(u.fd.get()) != 0) return Error::from_errno("fdatasync " + device, errno);
  return done;
}

Status luks2_read_image(const std::string &device, const std::string &key_file, const std::string &output,
                        std::optional<uint64_t> length) {
  Unlocked u = TRY(unlock(device, key_file, O_RDONLY));
  Luks2DataCipher cipher = TRY(Luks2DataCipher::create(u.volume.metadata.segment, u.volume_key.view()));
  uint64_t capacity = luks2_segment_length(u.volume.metadata.segment, u.volume.device_size);
  uint64_t total = length.value_or(capacity);
  if (total > capacity || total % cipher.sector_size() != 0) {
    return Error(format("length %llu: expected whole %u-byte sectors, at most %llu",
                        static_cast<unsigned long long>(total), cipher.sector_size(),
                        static_cast<unsigned long long>(capacity)));
  }
  UniqueFd out = TRY(open_file(output, O_WRONLY | O_CREAT | O_TRUNC, 0600));
  uint64_t base = u.volume.metadata.segment.offset;
  std::vector<uint8_t> buffer(kChunk);
  for (uint64_t done = 0; done < total;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, total - done));
    TRY_CONTEXT(pread_exact(u.fd.get(), buffer.data(), n, static_cast<off_t>(base + done)), device);
    TRY(cipher.decrypt(done, buffer.data(), n));
    TRY_CONTEXT(pwrite_all(out.get(), ByteView(buffer.data(), n), static_cast<off_t>(done)), output);
    done += n;
  }
  return {};
}

}  // namespace bp
