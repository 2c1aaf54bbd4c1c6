#include "init/block_device.h"

#include <dirent.h>
#include <errno.h>

#include <vector>

#include "lib/core/file_io.h"
#include "lib/core/format.h"

namespace bp {

Result<std::string> find_disk_by_serial(const std::string &serial, const std::string &sys_block,
                                        const std::string &dev_dir) {
  if (serial.empty()) return Error("disk serial is empty");
  DIR *dir = opendir(sys_block.c_str());
  if (!dir) return Error::from_errno("opendir " + sys_block, errno);
  std::vector<std::string> matches;
  while (struct dirent *entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string serial_path = sys_block;
    serial_path += "/";
    serial_path += name;
    serial_path += "/serial";
    Result<std::string> text = read_text_file(serial_path, 256);
    if (!text.ok()) continue;  // not every block device has a serial
    std::string value = text.release_value();
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    if (value == serial) matches.push_back(name);
  }
  closedir(dir);
  if (matches.empty())
    return Error(format("no disk with serial '%s' in %s", serial.c_str(), sys_block.c_str()));
  if (matches.size() > 1) {
    return Error(format("%zu disks have serial '%s' (%s, %s, ...)", matches.size(), serial.c_str(),
                        matches[0].c_str(), matches[1].c_str()));
  }
  return dev_dir + "/" + matches[0];
}

}  // namespace bp
