#include "lib/dm/dm_target.h"

#include "lib/core/format.h"

namespace bp {

std::string dm_target_line(const DmTarget &target) {
  return format("%llu %llu %s %s", static_cast<unsigned long long>(target.start_sector),
                static_cast<unsigned long long>(target.length_sectors), target.type.c_str(),
                target.params.c_str());
}

}  // namespace bp
