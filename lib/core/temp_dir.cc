#include "lib/core/temp_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bp {
namespace {

Status remove_entries(int dir_fd, const std::string &path) {
  int fd = dup(dir_fd);
  if (fd < 0) return Error::from_errno("dup", errno);
  DIR *dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return Error::from_errno("opendir " + path, errno);
  }
  Status status;
  while (struct dirent *entry = readdir(dir)) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    struct stat st;
    if (fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    std::string child = path + "/" + entry->d_name;
    if (S_ISDIR(st.st_mode)) {
      int child_fd = openat(dir_fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child_fd < 0) {
        status = Error::from_errno("open " + child, errno);
        break;
      }
      status = remove_entries(child_fd, child);
      close(child_fd);
      if (!status.ok()) break;
      if (unlinkat(dir_fd, entry->d_name, AT_REMOVEDIR) != 0) {
        status = Error::from_errno("rmdir " + child, errno);
        break;
      }
    } else if (unlinkat(dir_fd, entry->d_name, 0) != 0) {
      status = Error::from_errno("unlink " + child, errno);
      break;
    }
  }
  closedir(dir);
  return status;
}

}  // namespace

Status remove_tree(const std::string &path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return Error::from_errno("stat " + path, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path.c_str()) != 0) return Error::from_errno("unlink " + path, errno);
    return {};
  }
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("open " + path, errno);
  Status status = remove_entries(fd, path);
  close(fd);
  TRY(std::move(status));
  if (rmdir(path.c_str()) != 0) return Error::from_errno("rmdir " + path, errno);
  return {};
}

Result<TempDir> TempDir::create(const char *prefix) {
  const char *base = getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + ".XXXXXX";
  if (!mkdtemp(pattern.data())) return Error::from_errno("mkdtemp " + pattern, errno);
  return TempDir(std::move(pattern));
}

TempDir::~TempDir() {
  if (!path_.empty()) (void)remove_tree(path_);
}

}  // namespace bp
