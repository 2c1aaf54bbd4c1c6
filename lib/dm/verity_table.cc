#include "lib/dm/verity_table.h"

#include <algorithm>

#include "lib/core/format.h"
#include "lib/verity/table.h"

namespace bp {

namespace {

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
  VerityTarget target;
  target.data_device = spec.data_device;
  target.hash_device = spec.hash_device;
  target.geometry = VerityGeometry{spec.data_block_size, spec.hash_block_size, spec.data_blocks, spec.salt};
  TRY_CONTEXT(validate_verity_geometry(target.geometry), "dm-verity");
  target.hash_start_block = spec.hash_start_block;
  if (spec.root_digest.size() != target.root.size()) {
    return Error(format("dm-verity root digest is %zu bytes, expected %zu (sha256)", spec.root_digest.size(),
                        target.root.size()));
  }
  std::copy(spec.root_digest.begin(), spec.root_digest.end(), target.root.begin());
  const char *on_corruption =
      spec.on_corruption == VerityOnCorruption::panic ? "panic_on_corruption" : "restart_on_corruption";
  return DmTarget{0, verity_target_sectors(target.geometry), "verity",
                  verity_target_params(target) + " 1 " + on_corruption};
}

}  // namespace bp
