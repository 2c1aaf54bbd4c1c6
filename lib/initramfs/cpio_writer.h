// A deterministic cpio "newc" archive for the initramfs: entries sorted by
// path with parents first, uid/gid 0, one fixed mtime, inodes numbered from 1
// in output order, nlink 1 (2 for directories), no device numbers, no hard
// links. The same entries always give the same bytes, so the SNP launch
// digest over the initrd is reproducible.
#pragma once

#include <stdint.h>

#include <map>
#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

class CpioWriter {
 public:
  explicit CpioWriter(uint32_t mtime) : mtime_(mtime) {}

  // Paths are relative ("bin/bp-agent"), without "." or ".." components.
  // Missing parent directories are added with mode 0755.
  Status add_file(const std::string &path, ByteView contents, uint32_t mode);
  Status add_directory(const std::string &path, uint32_t mode = 0755);
  Status add_symlink(const std::string &path, const std::string &target);

  // The archive (uncompressed), ending with the TRAILER!!! entry.
  Bytes finish() const;

 private:
  struct Entry {
    uint32_t mode;  // including the file type bits
    Bytes data;     // file contents or symlink target
  };
  Status add(const std::string &path, Entry entry);

  uint32_t mtime_;
  std::map<std::string, Entry> entries_;  // std::map: byte-wise sorted, parents before children
};

// zstd at a level the kernel's decompressor accepts (window well under its
// 128 MiB limit), single-threaded so the output depends only on the input.
Result<Bytes> zstd_compress(ByteView data, int level);

}  // namespace bp
