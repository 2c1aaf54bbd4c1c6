#include "lib/dm/dm_table_listing.h"

#include <algorithm>

namespace bp {

Result<std::vector<DmTableListing>> read_dm_tables(const DmControl &control, const std::string &only_name) {
  std::vector<DmTableListing> tables;
  if (!only_name.empty()) {
    TRY(check_dm_name(only_name));
    tables.push_back(DmTableListing{only_name, TRY(control.table(only_name))});
    return tables;
  }
  std::vector<DmListedDevice> devices = TRY(control.list_devices());
  std::sort(devices.begin(), devices.end(),
            [](const DmListedDevice &a, const DmListedDevice &b) { return a.name < b.name; });
  for (const DmListedDevice &device : devices) {
    // Names come from the kernel's reply: checked before they reach a request or the output.
    TRY_CONTEXT(check_dm_name(device.name), "device list");
    tables.push_back(DmTableListing{device.name, TRY(control.table(device.name))});
  }
  return tables;
}

std::string format_dm_table_listing(const std::vector<DmTableListing> &tables) {
  std::string out;
  for (const DmTableListing &table : tables) {
    if (table.targets.empty()) out += table.name + ": \n";
    for (const DmTarget &target : table.targets) out += table.name + ": " + dm_target_line(target) + "\n";
  }
  return out;
}

}  // namespace bp
