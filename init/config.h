// bp-init's configuration: /etc/buckypaper/init.json from the (measured)
// initramfs, with a few `bp.*` kernel command-line overrides (also measured,
// through the SNP kernel-hashes table). The schema is documented in
// init/README.md; parsing is strict: unknown keys, wrong types and missing
// required keys stop the boot with the key's path in the message.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "init/kernel_cmdline.h"
#include "init/network.h"
#include "init/test_pause.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/snp/provider_select.h"

namespace bp {

enum class Flavour { production, debug };
using ProviderChoice = snp::ProviderChoice;
// What a resource fetched at boot is for. Disk keys are boot-only: the agent
// never serves them to the workload.
enum class ResourceUse { root_disk_key, data_disk_key, workload_secret };
enum class CorruptionAction { restart, panic };

// The broker CA file is read at attest and again for bp-agent: one bound.
constexpr size_t kMaxBrokerCaSize = size_t{64} * 1024;

struct BrokerConfig {
  std::string url;      // https://host:port (http:// only with allow_plain_http)
  std::string ca_cert;  // PEM file in the initramfs
  bool allow_plain_http = false;
  uint32_t deadline_ms = 60000;  // for the whole exchange, retries included
};

struct AttestationConfig {
  ProviderChoice provider = ProviderChoice::automatic;
  bool allow_sim = false;  // the measured switch for images without SNP hardware
};

struct ResourceConfig {
  std::string name;        // how the rest of the config refers to it
  std::string repository;  // from kbs:///<repository>/<type>/<tag>
  std::string type;
  std::string tag;
  ResourceUse use = ResourceUse::workload_secret;
};

struct VerityConfig {
  std::string root_hash;  // hex
  std::string salt;       // hex, may be empty
  uint64_t data_blocks = 0;
  uint64_t hash_offset = 0;  // bytes, inside the decrypted root volume
  uint32_t data_block_size = 4096;
  uint32_t hash_block_size = 4096;
};

struct RootDiskConfig {
  std::string serial;  // virtio-blk serial that names the disk
  VerityConfig verity;
  CorruptionAction on_corruption = CorruptionAction::restart;
};

struct DataDiskConfig {
  std::string serial;
  bool integrity = false;  // hmac(sha256) authenticated encryption
  std::string mount_point = "/data";
};

struct WorkloadConfig {
  std::string bundle = "bundle";  // OCI bundle directory on the root file system
  uint32_t grace_period_ms = 10000;
};

struct AgentConfig {
  std::string path = "/bin/bp-agent";  // not started when absent from the image
  std::string policy = "/etc/buckypaper/agent-policy.json";
  // The workload API's routes, passed to bp-agent's --api-features: "all" or
  // a comma-separated list of resource, evidence, token. "token" hands the
  // workload the broker token and the TEE key (with them it can ask the
  // broker for anything the broker's policy releases, disk keys included).
  std::string api_features = "resource,evidence";
};

struct InitConfig {
  Flavour flavour = Flavour::production;
  LogLevel log_level = LogLevel::info;
  BrokerConfig broker;
  AttestationConfig attestation;
  std::vector<ResourceConfig> resources;
  NetworkConfig network;
  RootDiskConfig root_disk;
  std::optional<DataDiskConfig> data_disk;
  WorkloadConfig workload;
  AgentConfig agent;
  TestPause test_pause = TestPause::none;  // only from the (measured) kernel command line
};

}  // namespace bp
