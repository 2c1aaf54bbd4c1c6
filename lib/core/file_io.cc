#include "lib/core/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/core/format.h"

namespace bp {

Result<UniqueFd> open_file(const std::string &path, int flags, mode_t mode) {
  int fd;
  do {
    fd = open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Error::from_errno("open " + path, errno);
  return UniqueFd(fd);
}

Result<Bytes> read_all(int fd, size_t max_size) {
  Bytes out;
  uint8_t chunk[16384];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read", errno);
    }
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > max_size) {
      return Error(format("input larger than the limit of %zu bytes", max_size));
    }
    out.insert(out.end(), chunk, chunk + n);
  }
}

Result<Bytes> read_file(const std::string &path, size_t max_size) {
  UniqueFd fd = TRY(open_file(path, O_RDONLY));
  return TRY_CONTEXT(read_all(fd.get(), max_size), path);
}

Result<std::string> read_text_file(const std::string &path, size_t max_size) {
  Bytes bytes = TRY(read_file(path, max_size));
  return std::string(bytes.begin(), bytes.end());
}

Status write_all(int fd, ByteView data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("write", errno);
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

Status pwrite_all(int fd, ByteView data, off_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(format("write at offset %lld", static_cast<long long>(offset)), errno);
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

Status pread_exact(int fd, uint8_t *data, size_t size, off_t offset) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, data + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(format("read at offset %lld", static_cast<long long>(offset)), errno);
    }
    if (n == 0) {
      return Error(format("unexpected end of file: wanted %zu bytes at offset %lld", size,
                          static_cast<long long>(offset)));
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

Status write_file_atomic(const std::string &path, ByteView contents, mode_t mode) {
  std::string temp = path + ".tmp";
  {
    UniqueFd fd = TRY(open_file(temp, O_WRONLY | O_CREAT | O_TRUNC, mode));
    Status written = write_all(fd.get(), contents);
    if (written.ok() && fsync(fd.get()) != 0) written = Error::from_errno("fsync " + temp, errno);
    if (!written.ok()) {
      unlink(temp.c_str());
      return written.release_error().with_context(temp);
    }
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(temp.c_str());
    return Error::from_errno("rename " + temp + " to " + path, err);
  }
  return {};
}

Result<uint64_t> file_size(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno("fstat", errno);
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  if (S_ISBLK(st.st_mode)) {
    uint64_t size = 0;
    if (ioctl(fd, BLKGETSIZE64, &size) != 0) return Error::from_errno("BLKGETSIZE64", errno);
    return size;
  }
  return Error("not a regular file or block device");
}

}  // namespace bp
