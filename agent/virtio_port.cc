#include "agent/virtio_port.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>

#include <memory>

#include "lib/core/file_io.h"
#include "lib/core/format.h"

namespace bp {
namespace {

struct DirCloser {
  void operator()(DIR *dir) const { closedir(dir); }
};

bool plain_entry_name(const char *name) {
  if (name[0] == '\0' || name[0] == '.') return false;
  for (const char *p = name; *p; ++p) {
    if (*p == '/') return false;
  }
  return true;
}

}  // namespace

Result<std::string> find_virtio_port(const std::string &sysfs_root, const std::string &dev_root,
                                     std::string_view name) {
  std::string class_dir = sysfs_root + "/class/virtio-ports";
  std::unique_ptr<DIR, DirCloser> dir(opendir(class_dir.c_str()));
  if (!dir) return Error::from_errno("listing " + class_dir, errno);
  std::string found;
  errno = 0;
  while (struct dirent *entry = readdir(dir.get())) {
    if (!plain_entry_name(entry->d_name)) continue;
    auto text = read_text_file(class_dir + "/" + entry->d_name + "/name", 256);
    if (!text.ok()) continue;  // a port without a name
    std::string port_name = text.release_value();
    while (!port_name.empty() && (port_name.back() == '\n' || port_name.back() == '\0')) port_name.pop_back();
    if (port_name != name) continue;
    if (!found.empty())
      return Error(format("two virtio ports are named %.*s (%s and %s)", static_cast<int>(name.size()),
                          name.data(), found.c_str(), entry->d_name));
    found = entry->d_name;
  }
  if (found.empty())
    return Error(format("no virtio port named %.*s in %s", static_cast<int>(name.size()), name.data(),
                        class_dir.c_str()));
  return dev_root + "/" + found;
}

Result<UniqueFd> open_virtio_port(const std::string &sysfs_root, const std::string &dev_root,
                                  std::string_view name) {
  std::string path = TRY(find_virtio_port(sysfs_root, dev_root, name));
  return open_file(path, O_RDWR | O_NONBLOCK | O_NOCTTY);
}

}  // namespace bp
