// What bp-init hands bp-agent at boot, in one sealed memfd (inherited as a
// descriptor; tests may use a file): the resources it fetched from the
// broker for the workload (config "use": "workload-secret"; never disk
// keys), and optionally the broker session, so the agent can fetch further
// resources with the boot's token and re-attest when it expired.
//
// Format (all integers little-endian):
//   "BPAGRES1"                 8 bytes of magic
//   u32 count                  at most kMaxBootResources
//   count times:
//     u16 path length, path    "<repository>/<type>/<tag>" (resource_path.h)
//     u32 data length, data    the resource's plaintext, at most kMaxBootResourceSize
//   optionally the broker session section, version 1:
//     "BPBROKR1"               8 bytes
//     u16 length, URL          http(s)://host:port[/base], printable ASCII, at most 2048
//     u32 length, CA PEM       the broker's CA (may be empty for http), at most 64 KiB
//     u8 flags                 bit 0: plain http allowed; other bits zero
//     u8 length, provider      "tsm", "sev-guest" or "sim": the one that attested at boot
//     u8 vmpl                  0..3
//     u32 request timeout      milliseconds, 1..3600000, per workload request to the broker
//     u32 length, token        the attestation token (JWT), 1..64 KiB
//     u16 length, TEE key      the P-256 private scalar the token is bound to, 32 bytes
// and nothing after that. Paths are unique. A later version of the broker
// section gets a new tag; an unknown tag is an error, never skipped.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/agent/resource_path.h"
#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

constexpr size_t kMaxBootResources = 256;
constexpr size_t kMaxBootResourceSize = 1024 * 1024;
constexpr size_t kMaxBootResourcesFile = 16 * 1024 * 1024;
constexpr size_t kMaxBrokerUrl = 2048;
constexpr size_t kMaxBrokerCa = 64 * 1024;
constexpr size_t kMaxBrokerToken = 64 * 1024;
constexpr size_t kTeeKeyScalarSize = 32;

struct BootResource {
  ResourcePath path;
  SecretBytes data;
};

struct BrokerHandover {
  std::string url;
  std::string ca_pem;
  bool allow_plain_http = false;
  std::string provider;  // "tsm", "sev-guest", "sim"
  uint32_t vmpl = 0;
  uint32_t request_timeout_ms = 15000;
  SecretBytes token;
  SecretBytes tee_key;  // P-256 scalar, big-endian
};

struct BootHandover {
  std::vector<BootResource> resources;
  std::optional<BrokerHandover> broker;
};

// The contents, in locked memory (they are secrets).
Result<SecretBytes> serialize_boot_handover(const BootHandover &handover);
Result<BootHandover> parse_boot_handover(ByteView contents);
// Reads a regular file straight into locked memory and parses it.
Result<BootHandover> read_boot_handover(const std::string &path);
// The same from an open file (bp-init hands a sealed memfd over as a
// descriptor); `name` is for messages.
Result<BootHandover> read_boot_handover_from(int fd, const std::string &name);
// Writes the file atomically with mode 0600.
Status write_boot_handover(const std::string &path, const BootHandover &handover);

// The resources alone (no broker section; one in the input is an error).
Result<SecretBytes> serialize_boot_resources(const std::vector<BootResource> &resources);
Result<std::vector<BootResource>> parse_boot_resources(ByteView contents);
Result<std::vector<BootResource>> read_boot_resources(const std::string &path);
Status write_boot_resources(const std::string &path, const std::vector<BootResource> &resources);

}  // namespace bp
