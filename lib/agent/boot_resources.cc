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
constexpr char kBrokerTag[8] = {'B', 'P', 'B', 'R', 'O', 'K', 'R', '1'};
constexpr uint8_t kFlagPlainHttp = 1;
constexpr uint32_t kMaxRequestTimeoutMs = 3600000;

bool known_provider(std::string_view name) { return name == "tsm" || name == "sev-guest" || name == "sim"; }

bool printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

Status check_broker(const BrokerHandover &b) {
  if (b.url.empty() || b.url.size() > kMaxBrokerUrl || !printable_ascii(b.url))
    return Error(format("broker URL: 1..%zu printable characters expected", kMaxBrokerUrl));
  if (b.ca_pem.size() > kMaxBrokerCa) return Error(format("broker CA: more than %zu bytes", kMaxBrokerCa));
  if (!known_provider(b.provider)) return Error("broker session: provider must be tsm, sev-guest or sim");
  if (b.vmpl > 3) return Error(format("broker session: VMPL %u (0..3 expected)", b.vmpl));
  if (b.request_timeout_ms == 0 || b.request_timeout_ms > kMaxRequestTimeoutMs)
    return Error(format("broker session: request timeout %u ms (1..%u expected)", b.request_timeout_ms,
                        kMaxRequestTimeoutMs));
  if (b.token.empty() || b.token.size() > kMaxBrokerToken)
    return Error(
        format("broker session: token of %zu bytes (1..%zu expected)", b.token.size(), kMaxBrokerToken));
  if (b.tee_key.size() != kTeeKeyScalarSize)
    return Error(
        format("broker session: TEE key of %zu bytes (%zu expected)", b.tee_key.size(), kTeeKeyScalarSize));
  return {};
}

size_t broker_size(const BrokerHandover &b) {
  return sizeof(kBrokerTag) + 2 + b.url.size() + 4 + b.ca_pem.size() + 1 + 1 + b.provider.size() + 1 + 4 + 4 +
         b.token.size() + 2 + b.tee_key.size();
}

uint8_t *put(uint8_t *p, const void *data, size_t n) {
  if (n != 0) memcpy(p, data, n);
  return p + n;
}

Result<BrokerHandover> parse_broker(ByteReader &reader) {
  BrokerHandover b;
  uint16_t url_length = TRY(reader.u16_le("URL length"));
  b.url = std::string(TRY(reader.bytes(url_length, "URL")).as_string_view());
  uint32_t ca_length = TRY(reader.u32_le("CA length"));
  if (ca_length > kMaxBrokerCa)
    return Error(format("CA of %u bytes; the limit is %zu", ca_length, kMaxBrokerCa));
  b.ca_pem = std::string(TRY(reader.bytes(ca_length, "CA")).as_string_view());
  uint8_t flags = TRY(reader.u8("flags"));
  if ((flags & ~kFlagPlainHttp) != 0) return Error(format("unknown flags 0x%02x", flags));
  b.allow_plain_http = (flags & kFlagPlainHttp) != 0;
  uint8_t provider_length = TRY(reader.u8("provider length"));
  b.provider = std::string(TRY(reader.bytes(provider_length, "provider")).as_string_view());
  b.vmpl = TRY(reader.u8("VMPL"));
  b.request_timeout_ms = TRY(reader.u32_le("request timeout"));
  uint32_t token_length = TRY(reader.u32_le("token length"));
  if (token_length > kMaxBrokerToken)
    return Error(format("token of %u bytes; the limit is %zu", token_length, kMaxBrokerToken));
  b.token = TRY(SecretBytes::copy_of(TRY(reader.bytes(token_length, "token"))));
  uint16_t key_length = TRY(reader.u16_le("TEE key length"));
  b.tee_key = TRY(SecretBytes::copy_of(TRY(reader.bytes(key_length, "TEE key"))));
  TRY(check_broker(b));
  return b;
}

}  // namespace

Result<SecretBytes> serialize_boot_handover(const BootHandover &handover) {
  const std::vector<BootResource> &resources = handover.resources;
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
  if (handover.broker) {
    TRY(check_broker(*handover.broker));
    total += broker_size(*handover.broker);
  }
  if (total > kMaxBootResourcesFile) return Error("boot resources exceed the handover file limit");
  SecretBytes out = TRY(SecretBytes::allocate(total));
  uint8_t *p = out.data();
  p = put(p, kMagic, sizeof(kMagic));
  store_le32(p, static_cast<uint32_t>(resources.size()));
  p += 4;
  for (const BootResource &r : resources) {
    std::string path = r.path.path();
    store_le16(p, static_cast<uint16_t>(path.size()));
    p = put(p + 2, path.data(), path.size());
    store_le32(p, static_cast<uint32_t>(r.data.size()));
    p = put(p + 4, r.data.view().data(), r.data.size());
  }
  if (handover.broker) {
    const BrokerHandover &b = *handover.broker;
    p = put(p, kBrokerTag, sizeof(kBrokerTag));
    store_le16(p, static_cast<uint16_t>(b.url.size()));
    p = put(p + 2, b.url.data(), b.url.size());
    store_le32(p, static_cast<uint32_t>(b.ca_pem.size()));
    p = put(p + 4, b.ca_pem.data(), b.ca_pem.size());
    *p++ = b.allow_plain_http ? kFlagPlainHttp : 0;
    *p++ = static_cast<uint8_t>(b.provider.size());
    p = put(p, b.provider.data(), b.provider.size());
    *p++ = static_cast<uint8_t>(b.vmpl);
    store_le32(p, b.request_timeout_ms);
    store_le32(p + 4, static_cast<uint32_t>(b.token.size()));
    p = put(p + 8, b.token.view().data(), b.token.size());
    store_le16(p, static_cast<uint16_t>(b.tee_key.size()));
    put(p + 2, b.tee_key.view().data(), b.tee_key.size());
  }
  return out;
}

Result<BootHandover> parse_boot_handover(ByteView contents) {
  ByteReader reader(contents);
  ByteView magic = TRY(reader.bytes(sizeof(kMagic), "magic"));
  if (memcmp(magic.data(), kMagic, sizeof(kMagic)) != 0)
    return Error("not a boot resources file (expected the magic BPAGRES1)");
  uint32_t count = TRY(reader.u32_le("count"));
  if (count > kMaxBootResources)
    return Error(
        format("boot resources file lists %u resources; at most %zu are allowed", count, kMaxBootResources));
  BootHandover handover;
  std::vector<BootResource> &resources = handover.resources;
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
  if (reader.at_end()) return handover;
  if (reader.remaining() >= sizeof(kBrokerTag)) {
    ByteView tag = TRY(reader.bytes(sizeof(kBrokerTag), "section tag"));
    if (memcmp(tag.data(), kBrokerTag, sizeof(kBrokerTag)) != 0)
      return Error(
          "boot resources file: after the last resource comes an unknown section (expected BPBROKR1)");
    handover.broker = TRY_CONTEXT(parse_broker(reader), "boot resources file: broker session");
    if (reader.at_end()) return handover;
    return Error(format("boot resources file: %zu bytes after the broker session", reader.remaining()));
  }
  return Error(format("boot resources file: %zu bytes after the last resource", reader.remaining()));
}

Result<BootHandover> read_boot_handover(const std::string &path) {
  UniqueFd fd = TRY(open_file(path, O_RDONLY | O_NOFOLLOW));
  return read_boot_handover_from(fd.get(), path);
}

Result<BootHandover> read_boot_handover_from(int fd, const std::string &name) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno("fstat " + name, errno);
  if (!S_ISREG(st.st_mode)) return Error(name + ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > kMaxBootResourcesFile)
    return Error(format("%s: %lld bytes; the limit is %zu", name.c_str(), static_cast<long long>(st.st_size),
                        kMaxBootResourcesFile));
  SecretBytes contents = TRY(SecretBytes::allocate(static_cast<size_t>(st.st_size)));
  if (!contents.empty()) TRY_CONTEXT(pread_exact(fd, contents.data(), contents.size(), 0), name);
  return TRY_CONTEXT(parse_boot_handover(contents.view()), name);
}

Status write_boot_handover(const std::string &path, const BootHandover &handover) {
  SecretBytes contents = TRY(serialize_boot_handover(handover));
  return write_file_atomic(path, contents.view(), 0600);
}

Result<SecretBytes> serialize_boot_resources(const std::vector<BootResource> &resources) {
  BootHandover handover;
  for (const BootResource &r : resources)
    handover.resources.push_back(BootResource{r.path, TRY(SecretBytes::copy_of(r.data.view()))});
  return serialize_boot_handover(handover);
}

namespace {
Result<std::vector<BootResource>> resources_only(BootHandover handover) {
  if (handover.broker) return Error("boot resources file: has a broker session where none was expected");
  return std::move(handover.resources);
}
}  // namespace

Result<std::vector<BootResource>> parse_boot_resources(ByteView contents) {
  return resources_only(TRY(parse_boot_handover(contents)));
}

Result<std::vector<BootResource>> read_boot_resources(const std::string &path) {
  return resources_only(TRY(read_boot_handover(path)));
}

Status write_boot_resources(const std::string &path, const std::vector<BootResource> &resources) {
  SecretBytes contents = TRY(serialize_boot_resources(resources));
  return write_file_atomic(path, contents.view(), 0600);
}

}  // namespace bp
