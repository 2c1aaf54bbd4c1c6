// The live device-mapper tables, read through the ioctl interface and printed
// the way `dmsetup table` does: for debugging a guest (which has no dmsetup)
// and for the key hygiene checks (a crypt table must name a keyring key, never
// carry the key itself).
#pragma once

#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/dm/dm_control.h"
#include "lib/dm/dm_target.h"

namespace bp {

struct DmTableListing {
  std::string name;
  std::vector<DmTarget> targets;  // the live table; empty when none is loaded
};

// Every device (DM_LIST_DEVICES) with its live table (DM_TABLE_STATUS with
// DM_STATUS_TABLE_FLAG), sorted by name; or only the named device.
Result<std::vector<DmTableListing>> read_dm_tables(const DmControl &control,
                                                   const std::string &only_name = "");

// One line per target, "<name>: <start> <length> <type> <params>"; a device
// without a live table gives "<name>: " alone, as dmsetup prints it.
std::string format_dm_table_listing(const std::vector<DmTableListing> &tables);

}  // namespace bp
