#include "lib/initramfs/cpio_writer.h"

#include <sys/stat.h>
#include <zstd.h>

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {
namespace {

Status check_path(const std::string &path) {
  if (path.empty() || path.size() > 4096)
    return Error(format("cpio: path length %zu out of range", path.size()));
  for (std::string_view part : split(path, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return Error("cpio: path '" + path + "' must be relative and have no empty, '.' or '..' components");
    }
  }
  if (path.find('\0') != std::string::npos) return Error("cpio: path contains a NUL byte");
  return {};
}

void append_hex8(Bytes &out, uint32_t value) {
  std::string text = format("%08X", value);
  out.insert(out.end(), text.begin(), text.end());
}

void pad4(Bytes &out) {
  while (out.size() % 4 != 0) out.push_back(0);
}

void append_entry(Bytes &out, const std::string &name, uint32_t ino, uint32_t mode, uint32_t nlink,
                  uint32_t mtime, ByteView data) {
  static const char kMagic[] = "070701";
  out.insert(out.end(), kMagic, kMagic + 6);
  const uint32_t fields[] = {ino,
                             mode,
                             0 /*uid*/,
                             0 /*gid*/,
                             nlink,
                             mtime,
                             static_cast<uint32_t>(data.size()),
                             0,
                             0,
                             0,
                             0,
                             static_cast<uint32_t>(name.size() + 1),
                             0 /*check*/};
  for (uint32_t f : fields) append_hex8(out, f);
  out.insert(out.end(), name.begin(), name.end());
  out.push_back(0);
  pad4(out);
  out.insert(out.end(), data.begin(), data.end());
  pad4(out);
}

}  // namespace

Status CpioWriter::add(const std::string &path, Entry entry) {
  TRY(check_path(path));
  // Parents first, as directories; a parent that exists as a file is an error.
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string parent = path.substr(0, slash);
    auto it = entries_.find(parent);
    if (it == entries_.end()) {
      entries_.emplace(parent, Entry{S_IFDIR | 0755, {}});
    } else if (!S_ISDIR(it->second.mode)) {
      return Error("cpio: '" + parent + "' is not a directory but has entries under it");
    }
  }
  auto existing = entries_.find(path);
  if (existing != entries_.end()) {
    // An implicit parent may be given its real mode later; anything else twice is a mistake.
    if (S_ISDIR(existing->second.mode) && S_ISDIR(entry.mode)) {
      existing->second.mode = entry.mode;
      return {};
    }
    return Error("cpio: '" + path + "' added twice");
  }
  entries_.emplace(path, std::move(entry));
  return {};
}

Status CpioWriter::add_file(const std::string &path, ByteView contents, uint32_t mode) {
  if (contents.size() > UINT32_MAX) return Error("cpio: '" + path + "' is larger than 4 GiB");
  return add(path, Entry{S_IFREG | (mode & 07777), contents.to_bytes()});
}

Status CpioWriter::add_directory(const std::string &path, uint32_t mode) {
  return add(path, Entry{S_IFDIR | (mode & 07777), {}});
}

Status CpioWriter::add_symlink(const std::string &path, const std::string &target) {
  if (target.empty()) return Error("cpio: symlink '" + path + "' has an empty target");
  return add(path, Entry{S_IFLNK | 0777, Bytes(target.begin(), target.end())});
}

Bytes CpioWriter::finish() const {
  Bytes out;
  uint32_t ino = 1;
  for (const auto &[path, entry] : entries_) {
    append_entry(out, path, ino++, entry.mode, S_ISDIR(entry.mode) ? 2 : 1, mtime_, entry.data);
  }
  append_entry(out, "TRAILER!!!", 0, 0, 1, 0, ByteView{});
  return out;
}

Result<Bytes> zstd_compress(ByteView data, int level) {
  if (level < 1 || level > 19)
    return Error(format("zstd level %d: use 1 to 19 (no --ultra/long windows)", level));
  Bytes out(ZSTD_compressBound(data.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return Error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

}  // namespace bp
