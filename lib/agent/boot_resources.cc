#include "lib/agent/boot_resources.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/core/byte_order.h"
#include "lib/core/byte_reader.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"

namespace bp {
namespace {

constexpr char kMagic[8] = {'B', 'P', 'A', 'G', 'R', 'E', 'S', '1'};

}  // namespace

Result<SecretBytes> serialize_boot_resources(const std::vector<BootResource> &resources) {
  if (resources.size() > kMaxBootResources)
    return Error(
        format("%zu boot resources; at most %zu fit the handover file", resources.size(), kMaxBootResources));
  size_t total = sizeof(kMagic) + 4;
  for (size_t i = 0; i < resources.size(); ++i) {
    const BootResource &r = resources[i];
    TRY_CONTEXT(parse_resource_path(r.path.path()), "boot resource");
    if (r.data.size() > kMaxBootResourceSize)
      return Error(format("boot resource %s is %zu bytes; the limit is %zu", r.path.uri().c_str(),
                          r.data.size(), kMaxBootResourceSize));
    for (size_t j = 0; j < i; ++j) {
      if (resources[j].path == r.path)
        return Error(format("boot resource %s is listed twice", r.path.uri().c_str()));
    }
    total += 2 + r.path.path().size() + 4 + r.data.size();
  }
  if (total > kMaxBootResourcesFile) return Error("boot resources exceed the handover file limit");
  SecretBytes out = TRY(SecretBytes::allocate(total));
  uint8_t *p = out.data();
  memcpy(p, kMagic, sizeof(kMagic));
  p += sizeof(kMagic);
  store_le32(p, static_cast<uint32_t>(resources.size()));
  p += 4;
  for (const BootResource &r : resources) {
    std::string path = r.path.path();
    store_le16(p, static_cast<uint16_t>(path.size()));
    p += 2;
    memcpy(p, path.data(), path.size());
    p += path.size();
    store_le32(p, static_cast<uint32_t>(r.data.size()));
    p += 4;
    if (!r.data.empty()) memcpy(p, r.data.view().data(), r.data.size());
    p += r.data.size();
  }
  return out;
}

Result<std::vector<BootResource>> parse_boot_resources(ByteView contents) {
  ByteReader reader(contents);
  ByteView magic = TRY(reader.bytes(sizeof(kMagic), "magic"));
  if (memcmp(magic.data(), kMagic, sizeof(kMagic)) != 0)
    return Error("not a boot resources file (expected the magic BPAGRES1)");
  uint32_t count = TRY(reader.u32_le("count"));
  if (count > kMaxBootResources)
    return Error(
        format("boot resources file lists %u resources; at most %zu are allowed", count, kMaxBootResources));
  std::vector<BootResource> resources;
  for (uint32_t i = 0; i < count; ++i) {
    std::string where = format("boot resource %u", i);
    uint16_t path_length = TRY_CONTEXT(reader.u16_le("path length"), where);
    ByteView path_bytes = TRY_CONTEXT(reader.bytes(path_length, "path"), where);
    ResourcePath path = TRY_CONTEXT(parse_resource_path(path_bytes.as_string_view()), where);
    uint32_t data_length = TRY_CONTEXT(reader.u32_le("data length"), where);
    if (data_length > kMaxBootResourceSize)
      return Error(format("%s (%s): %u bytes; the limit is %zu", where.c_str(), path.uri().c_str(),
                          data_length, kMaxBootResourceSize));
    ByteView data = TRY_CONTEXT(reader.bytes(data_length, "data"), where);
    for (const BootResource &r : resources) {
      if (r.path == path) return Error(format("%s: %s is listed twice", where.c_str(), path.uri().c_str()));
    }
    resources.push_back(BootResource{std::move(path), TRY(SecretBytes::copy_of(data))});
  }
  if (!reader.at_end())
    return Error(format("boot resources file: %zu bytes after the last resource", reader.remaining()));
  return resources;
}

Result<std::vector<BootResource>> read_boot_resources(const std::string &path) {
  UniqueFd fd = TRY(open_file(path, O_RDONLY | O_NOFOLLOW));
  return read_boot_resources_from(fd.get(), path);
}

Result<std::vector<BootResource>> read_boot_resources_from(int fd, const std::string &name) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno("fstat " + name, errno);
  if (!S_ISREG(st.st_mode)) return Error(name + ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > kMaxBootResourcesFile)
    return Error(format("%s: %lld bytes; the limit is %zu", name.c_str(), static_cast<long long>(st.st_size),
                        kMaxBootResourcesFile));
  SecretBytes contents = TRY(SecretBytes::allocate(static_cast<size_t>(st.st_size)));
  if (!contents.empty()) TRY_CONTEXT(pread_exact(fd, contents.data(), contents.size(), 0), name);
  return TRY_CONTEXT(parse_boot_resources(contents.view()), name);
}

Status write_boot_resources(const std::string &path, const std::vector<BootResource> &resources) {
  SecretBytes contents = TRY(serialize_boot_resources(resources));
  return write_file_atomic(path, contents.view(), 0600);
}

}  // namespace bp
