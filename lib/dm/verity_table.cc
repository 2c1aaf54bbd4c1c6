#include "lib/dm/verity_table.h"

#include "lib/core/encoding.h"
#include "lib/core/format.h"

namespace bp {

namespace {

constexpr size_t kSha256Size = 32;
constexpr size_t kMaxSalt = 256;

// dm-verity accepts power-of-two block sizes from 512 bytes up to the page size.
bool valid_block_size(uint32_t size) { return size >= 512 && size <= 4096 && (size & (size - 1)) == 0; }

Status check_token(const std::string &device, const char *what) {
  if (device.empty()) return Error(format("dm-verity %s device is empty", what));
  for (char c : device) {
    if (c <= ' ' || c > '~')
      return Error(format("dm-verity %s device '%s' is not one token", what, device.c_str()));
  }
  return {};
}

}  // namespace

Result<DmTarget> verity_target(const VerityTableSpec &spec) {
  TRY(check_token(spec.data_device, "data"));
  TRY(check_token(spec.hash_device, "hash"));
  if (!valid_block_size(spec.data_block_size) || !valid_block_size(spec.hash_block_size)) {
    return Error(format("dm-verity block sizes %u/%u: expected powers of two from 512 to 4096",
                        spec.data_block_size, spec.hash_block_size));
  }
  if (spec.data_blocks == 0) return Error("dm-verity: zero data blocks");
  uint64_t per_block = spec.data_block_size / 512;
  if (spec.data_blocks > UINT64_MAX / per_block) return Error("dm-verity: data block count overflows");
  if (spec.root_digest.size() != kSha256Size) {
    return Error(format("dm-verity root digest is %zu bytes, expected %zu (sha256)", spec.root_digest.size(),
                        kSha256Size));
  }
  if (spec.salt.size() > kMaxSalt) {
    return Error(format("dm-verity salt is %zu bytes, at most %zu allowed", spec.salt.size(), kMaxSalt));
  }
  const char *on_corruption =
      spec.on_corruption == VerityOnCorruption::panic ? "panic_on_corruption" : "restart_on_corruption";
  std::string salt = spec.salt.empty() ? std::string("-") : hex_encode(spec.salt);
  std::string params =
      format("1 %s %s %u %u %llu %llu sha256 %s %s 1 %s", spec.data_device.c_str(), spec.hash_device.c_str(),
             spec.data_block_size, spec.hash_block_size, static_cast<unsigned long long>(spec.data_blocks),
             static_cast<unsigned long long>(spec.hash_start_block), hex_encode(spec.root_digest).c_str(),
             salt.c_str(), on_corruption);
  return DmTarget{0, spec.data_blocks * per_block, "verity", std::move(params)};
}

}  // namespace bp
