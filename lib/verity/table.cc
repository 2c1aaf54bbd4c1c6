#include "lib/verity/table.h"

#include "lib/core/encoding.h"
#include "lib/core/format.h"

namespace bp {

uint64_t verity_target_sectors(const VerityGeometry &g) { return g.data_blocks * g.data_block_size / 512; }

std::string verity_target_params(const VerityTarget &t) {
  const VerityGeometry &g = t.geometry;
  return format("1 %s %s %u %u %llu %llu sha256 %s %s", t.data_device.c_str(), t.hash_device.c_str(),
                g.data_block_size, g.hash_block_size, static_cast<unsigned long long>(g.data_blocks),
                static_cast<unsigned long long>(t.hash_start_block), hex_encode(view(t.root)).c_str(),
                g.salt.empty() ? "-" : hex_encode(g.salt).c_str());
}

std::string verity_table_line(const VerityTarget &t) {
  return format("0 %llu verity %s", static_cast<unsigned long long>(verity_target_sectors(t.geometry)),
                verity_target_params(t).c_str());
}

}  // namespace bp
