#include "init/config_parse.h"

#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/json/json.h"
#include "lib/json/json_parse.h"

namespace bp {
namespace {

constexpr size_t kMaxConfigSize = size_t{64} * 1024;
constexpr size_t kMaxConfigDepth = 8;
constexpr size_t kMaxResources = 64;

Result<LogLevel> parse_log_level(const Json &parent, const char *key, LogLevel fallback) {
  auto level = TRY(parent.optional_enum<LogLevel>(key, {{"debug", LogLevel::debug},
                                                        {"info", LogLevel::info},
                                                        {"warning", LogLevel::warning},
                                                        {"error", LogLevel::error}}));
  return level.value_or(fallback);
}

// A name: letters, digits, '-', '_', '.'; not empty, not "." or "..".
bool is_plain_name(std::string_view s) {
  if (s.empty() || s.size() > 128 || s == "." || s == "..") return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The same names bp-agent's --api-features takes (agent/workload_api.h).
Status check_api_features(const std::string &text) {
  if (text == "all") return {};
  std::vector<std::string_view> names = split(text, ',');
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "resource" && names[i] != "evidence" && names[i] != "token")
      return Error("expected \"all\" or a comma-separated list of resource, evidence, token; got '" + text +
                   "'");
    for (size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) return Error("'" + std::string(names[i]) + "' is listed twice");
    }
  }
  return {};
}

Result<BrokerConfig> parse_broker(const Json &root) {
  Json broker = TRY(root.object("broker"));
  TRY(broker.only_keys({"url", "ca_cert", "allow_plain_http", "deadline_ms"}));
  BrokerConfig config;
  config.url = TRY(broker.get_string("url"));
  config.allow_plain_http = TRY(broker.optional_bool("allow_plain_http")).value_or(false);
  config.deadline_ms =
      static_cast<uint32_t>(TRY(broker.optional_u64("deadline_ms", 3600000)).value_or(60000));
  if (starts_with(config.url, "https://")) {
    config.ca_cert = TRY(broker.get_string("ca_cert"));
  } else if (starts_with(config.url, "http://")) {
    if (!config.allow_plain_http) {
      return Error(broker.path() + ".url: plain http:// needs \"allow_plain_http\": true");
    }
    config.ca_cert = TRY(broker.optional_string("ca_cert")).value_or("");
  } else {
    return Error(broker.path() + ".url: expected https://host:port, got '" + config.url + "'");
  }
  return config;
}

Result<AttestationConfig> parse_attestation(const Json &root) {
  AttestationConfig config;
  auto attestation = TRY(root.optional_object("attestation"));
  if (!attestation) return config;
  TRY(attestation->only_keys({"provider", "allow_sim"}));
  config.provider =
      TRY(attestation->optional_enum<ProviderChoice>("provider", {{"auto", ProviderChoice::automatic},
                                                                  {"tsm", ProviderChoice::tsm},
                                                                  {"sev-guest", ProviderChoice::sev_guest},
                                                                  {"sim", ProviderChoice::sim}}))
          .value_or(ProviderChoice::automatic);
  config.allow_sim = TRY(attestation->optional_bool("allow_sim")).value_or(false);
  if (config.provider == ProviderChoice::sim && !config.allow_sim) {
    return Error(attestation->path() + ".provider: \"sim\" needs \"allow_sim\": true");
  }
  return config;
}

Result<std::vector<ResourceConfig>> parse_resources(const Json &root) {
  Json list = TRY(root.array("resources"));
  if (list.size() > kMaxResources)
    return Error(format("%s: more than %zu resources", list.path().c_str(), kMaxResources));
  std::vector<ResourceConfig> resources;
  for (const Json &item : TRY(list.elements())) {
    TRY(item.only_keys({"name", "uri", "use"}));
    ResourceConfig resource;
    resource.name = TRY(item.get_string("name"));
    if (!is_plain_name(resource.name))
      return Error(item.path() + ".name: '" + resource.name + "' is not a plain name");
    TRY_CONTEXT(parse_kbs_uri(TRY(item.get_string("uri")), resource), item.path() + ".uri");
    resource.use =
        TRY(item.get_enum<ResourceUse>("use", {{"root-disk-key", ResourceUse::root_disk_key},
                                               {"data-disk-key", ResourceUse::data_disk_key},
                                               {"workload-secret", ResourceUse::workload_secret}}));
    for (const ResourceConfig &other : resources) {
      if (other.name == resource.name)
        return Error(item.path() + ".name: '" + resource.name + "' is used twice");
    }
    resources.push_back(std::move(resource));
  }
  return resources;
}

Result<NetworkConfig> parse_network(const Json &root) {
  NetworkConfig config;
  auto network = TRY(root.optional_object("network"));
  if (!network) return config;
  TRY(network->only_keys({"mode", "interface", "address", "gateway", "wait_ms"}));
  config.mode = TRY(network->optional_enum<NetworkConfig::Mode>(
                        "mode", {{"none", NetworkConfig::Mode::none},
                                 {"kernel", NetworkConfig::Mode::kernel},
                                 {"static", NetworkConfig::Mode::static_address}}))
                    .value_or(NetworkConfig::Mode::none);
  config.interface = TRY(network->optional_string("interface")).value_or("eth0");
  config.wait_ms = static_cast<uint32_t>(TRY(network->optional_u64("wait_ms", 600000)).value_or(5000));
  if (config.mode == NetworkConfig::Mode::static_address) {
    config.address =
        TRY_CONTEXT(parse_ipv4_cidr(TRY(network->get_string("address"))), network->path() + ".address");
    if (auto gateway = TRY(network->optional_string("gateway"))) {
      config.gateway = TRY_CONTEXT(parse_ipv4(*gateway), network->path() + ".gateway");
    }
  } else if (network->has("address") || network->has("gateway")) {
    return Error(network->path() + ": \"address\" and \"gateway\" only go with \"mode\": \"static\"");
  }
  return config;
}

Result<uint32_t> block_size(const Json &parent, const char *key) {
  uint64_t size = TRY(parent.optional_u64(key, 65536)).value_or(4096);
  if (size < 512 || (size & (size - 1)) != 0) {
    return Error(format("%s.%s: %llu is not a power of two from 512", parent.path().c_str(), key,
                        static_cast<unsigned long long>(size)));
  }
  return static_cast<uint32_t>(size);
}

Result<RootDiskConfig> parse_root_disk(const Json &disks) {
  Json root = TRY(disks.object("root"));
  TRY(root.only_keys({"serial", "verity", "on_corruption"}));
  RootDiskConfig config;
  config.serial = TRY(root.get_string("serial"));
  if (!is_plain_name(config.serial))
    return Error(root.path() + ".serial: '" + config.serial + "' is not a plain name");
  config.on_corruption =
      TRY(root.optional_enum<CorruptionAction>(
              "on_corruption", {{"restart", CorruptionAction::restart}, {"panic", CorruptionAction::panic}}))
          .value_or(CorruptionAction::restart);
  Json verity = TRY(root.object("verity"));
  TRY(verity.only_keys(
      {"root_hash", "salt", "data_blocks", "hash_offset", "data_block_size", "hash_block_size"}));
  config.verity.root_hash = hex_encode(TRY(verity.get_hex("root_hash", 32)));
  config.verity.salt = hex_encode(TRY(verity.get_hex("salt")));
  if (config.verity.salt.size() > size_t{2} * 256)
    return Error(verity.path() + ".salt: longer than 256 bytes");
  config.verity.data_blocks = TRY(verity.get_u64("data_blocks"));
  config.verity.hash_offset = TRY(verity.get_u64("hash_offset"));
  config.verity.data_block_size = TRY(block_size(verity, "data_block_size"));
  config.verity.hash_block_size = TRY(block_size(verity, "hash_block_size"));
  if (config.verity.data_blocks == 0) return Error(verity.path() + ".data_blocks: must not be 0");
  if (config.verity.hash_offset % config.verity.hash_block_size != 0 ||
      config.verity.hash_offset / config.verity.data_block_size < config.verity.data_blocks) {
    return Error(verity.path() + ".hash_offset: must be block-aligned and after the data blocks");
  }
  return config;
}

Result<std::optional<DataDiskConfig>> parse_data_disk(const Json &disks) {
  auto data = TRY(disks.optional_object("data"));
  if (!data) return std::optional<DataDiskConfig>();
  TRY(data->only_keys({"serial", "integrity", "mount"}));
  DataDiskConfig config;
  config.serial = TRY(data->get_string("serial"));
  if (!is_plain_name(config.serial))
    return Error(data->path() + ".serial: '" + config.serial + "' is not a plain name");
  config.integrity = TRY(data->optional_bool("integrity")).value_or(false);
  if (config.integrity) {
    // The LUKS2 library reads and writes such headers, but bp-init cannot
    // activate them: refuse the image here rather than at its first boot.
    return Error(data->path() +
                 ".integrity: hmac(sha256) data disks need dm-integrity, which bp-init does not set up; "
                 "use false");
  }
  config.mount_point = TRY(data->optional_string("mount")).value_or("/data");
  if (!starts_with(config.mount_point, "/") || config.mount_point.find("..") != std::string::npos) {
    return Error(data->path() + ".mount: expected an absolute path without '..'");
  }
  return std::optional<DataDiskConfig>(std::move(config));
}

Status check_resource_uses(const InitConfig &config, const std::string &path) {
  auto count = [&](ResourceUse use) {
    size_t n = 0;
    for (const ResourceConfig &r : config.resources) n += r.use == use;
    return n;
  };
  if (count(ResourceUse::root_disk_key) != 1)
    return Error(path + ": exactly one resource must be the root-disk-key");
  size_t data_keys = count(ResourceUse::data_disk_key);
  if (config.data_disk && data_keys != 1)
    return Error(path + ": a data disk needs exactly one data-disk-key resource");
  if (!config.data_disk && data_keys != 0) return Error(path + ": a data-disk-key resource but no data disk");
  return {};
}

Result<TestPause> parse_test_pause(const std::string &value) {
  for (TestPause point : {TestPause::data_keyslots_written, TestPause::data_filesystem_made,
                          TestPause::data_secondary_header, TestPause::data_committed}) {
    if (value == test_pause_name(point)) return point;
  }
  return Error(
      "kernel parameter bp.test_pause: expected data-keyslots-written, data-filesystem-made, "
      "data-secondary-header or data-committed, got '" +
      value + "'");
}

Status apply_kernel_params(std::string_view cmdline, InitConfig &config) {
  for (const KernelParam &param : TRY(parse_kernel_cmdline(cmdline))) {
    if (!starts_with(param.key, "bp.")) continue;
    if (param.key == "bp.log_level") {
      if (param.value == "debug")
        config.log_level = LogLevel::debug;
      else if (param.value == "info")
        config.log_level = LogLevel::info;
      else if (param.value == "warning")
        config.log_level = LogLevel::warning;
      else if (param.value == "error")
        config.log_level = LogLevel::error;
      else
        return Error("kernel parameter bp.log_level: expected debug, info, warning or error, got '" +
                     param.value + "'");
    } else if (param.key == "bp.test_pause") {
      config.test_pause = TRY(parse_test_pause(param.value));
    } else {
      return Error("unknown kernel parameter " + param.key);
    }
  }
  return {};
}

}  // namespace

Status parse_kbs_uri(const std::string &uri, ResourceConfig &resource) {
  constexpr std::string_view kPrefix = "kbs:///";
  if (!starts_with(uri, kPrefix))
    return Error("expected kbs:///<repository>/<type>/<tag>, got '" + uri + "'");
  auto parts = split(std::string_view(uri).substr(kPrefix.size()), '/');
  if (parts.size() != 3) return Error("expected kbs:///<repository>/<type>/<tag>, got '" + uri + "'");
  for (std::string_view part : parts) {
    if (!is_plain_name(part))
      return Error("'" + std::string(part) + "' in '" + uri + "' is not a plain name");
  }
  resource.repository = std::string(parts[0]);
  resource.type = std::string(parts[1]);
  resource.tag = std::string(parts[2]);
  return {};
}

Result<InitConfig> parse_init_config(std::string_view json_text, std::string_view kernel_cmdline) {
  Json root = TRY(parse_json(json_text, kMaxConfigSize, kMaxConfigDepth));
  TRY(root.only_keys({"flavour", "log_level", "broker", "attestation", "resources", "network", "disks",
                      "workload", "agent"}));
  InitConfig config;
  config.flavour = TRY(root.optional_enum<Flavour>(
                           "flavour", {{"production", Flavour::production}, {"debug", Flavour::debug}}))
                       .value_or(Flavour::production);
  config.log_level = TRY(parse_log_level(root, "log_level", LogLevel::info));
  config.broker = TRY(parse_broker(root));
  config.attestation = TRY(parse_attestation(root));
  config.resources = TRY(parse_resources(root));
  config.network = TRY(parse_network(root));
  Json disks = TRY(root.object("disks"));
  TRY(disks.only_keys({"root", "data"}));
  config.root_disk = TRY(parse_root_disk(disks));
  config.data_disk = TRY(parse_data_disk(disks));
  TRY(check_resource_uses(config, root.path() + ".resources"));
  if (auto workload = TRY(root.optional_object("workload"))) {
    TRY(workload->only_keys({"bundle", "grace_period_ms"}));
    config.workload.bundle = TRY(workload->optional_string("bundle")).value_or(config.workload.bundle);
    if (config.workload.bundle.empty() || starts_with(config.workload.bundle, "/") ||
        config.workload.bundle.find("..") != std::string::npos) {
      return Error(workload->path() + ".bundle: expected a relative path without '..'");
    }
    config.workload.grace_period_ms = static_cast<uint32_t>(
        TRY(workload->optional_u64("grace_period_ms", 600000)).value_or(config.workload.grace_period_ms));
  }
  if (auto agent = TRY(root.optional_object("agent"))) {
    TRY(agent->only_keys({"path", "policy", "api_features"}));
    config.agent.path = TRY(agent->optional_string("path")).value_or(config.agent.path);
    config.agent.policy = TRY(agent->optional_string("policy")).value_or(config.agent.policy);
    config.agent.api_features =
        TRY(agent->optional_string("api_features")).value_or(config.agent.api_features);
    TRY_CONTEXT(check_api_features(config.agent.api_features), agent->path() + ".api_features");
  }
  TRY(apply_kernel_params(kernel_cmdline, config));
  return config;
}

Result<InitConfig> load_init_config(const std::string &root) {
  std::string text = TRY(read_text_file(root + kInitConfigPath, kMaxConfigSize + 1));
  std::string cmdline = TRY(read_text_file(root + "/proc/cmdline", 8192));
  return parse_init_config(text, cmdline);
}

}  // namespace bp
