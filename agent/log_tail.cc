#include "agent/log_tail.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/utf8_text.h"
#include "lib/core/file_io.h"

namespace bp {

Result<LogTail> read_log_tail(const std::string &path, size_t max_bytes) {
  UniqueFd fd = TRY(open_file(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return Error::from_errno("fstat " + path, errno);
  if (!S_ISREG(st.st_mode)) return Error(path + ": not a regular file");
  size_t size = static_cast<size_t>(st.st_size);
  size_t take = size < max_bytes ? size : max_bytes;
  Bytes bytes(take);
  // The log may shrink (rotated) between fstat and pread: read what is there.
  ssize_t n = take ? pread(fd.get(), bytes.data(), take, static_cast<off_t>(size - take)) : 0;
  if (n < 0) return Error::from_errno("reading " + path, errno);
  bytes.resize(static_cast<size_t>(n));
  LogTail tail;
  tail.truncated = take < size;
  ByteView view(bytes);
  if (tail.truncated) {
    const void *newline = memchr(view.data(), '\n', view.size());
    if (newline)
      view = view.subview(static_cast<size_t>(static_cast<const uint8_t *>(newline) - view.data()) + 1);
  }
  tail.text = lossy_utf8(view);
  return tail;
}

}  // namespace bp
