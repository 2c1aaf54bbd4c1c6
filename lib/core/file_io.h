// Whole-file and whole-buffer I/O with EINTR and short-transfer handling.
#pragma once

#include <sys/types.h>

#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

Result<UniqueFd> open_file(const std::string &path, int flags, mode_t mode = 0);

// Reads a whole file; larger than max_size is an error (untrusted files must
// not make us allocate without bound).
Result<Bytes> read_file(const std::string &path, size_t max_size);
Result<std::string> read_text_file(const std::string &path, size_t max_size);

// Writes to a temporary file in the same directory, fsyncs it and renames it
// over path, so readers see the old or the new contents, never a mix.
Status write_file_atomic(const std::string &path, ByteView contents, mode_t mode = 0644);

Status write_all(int fd, ByteView data);
Status pwrite_all(int fd, ByteView data, off_t offset);
// Reads exactly data.size() bytes at offset; hitting end of file is an error.
Status pread_exact(int fd, uint8_t *data, size_t size, off_t offset);
// Reads until end of file or max_size bytes (more is an error).
Result<Bytes> read_all(int fd, size_t max_size);

Result<uint64_t> file_size(int fd);  // regular files and block devices

}  // namespace bp
