// bp-agent's command line (bp-init passes it; tests inject paths and ports):
//
//   bp-agent [--port N] [--api-features all|resource,evidence,token]
//            [--boot-resources FILE | --boot-resources-fd N] [--boot-only-resource kbs:///R/T/G]...
//            [--policy FILE] [--status-file FILE] [--log-file FILE]
//            [--sysfs-root DIR] [--dev-root DIR] [--port-name NAME] [--no-virtio-port]
//            [--host-tcp [ADDR:]PORT] [--init-pid PID] [--log-level LEVEL]
//   bp-agent --check-policy FILE
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "agent/workload_api.h"
#include "lib/agent/resource_path.h"
#include "lib/core/log.h"
#include "lib/core/result.h"
#include "lib/net/socket_address.h"

namespace bp {

struct AgentOptions {
  uint16_t api_port = 8006;  // on 127.0.0.1; 0 picks a free port (logged)
  WorkloadApiFeatures features;
  std::string boot_resources = "/run/buckypaper/agent-resources";
  std::optional<int> boot_resources_fd;  // inherited from bp-init; wins over the file
  std::vector<ResourcePath> boot_only;
  std::string policy = "/etc/buckypaper/agent-policy.json";
  std::string status_file = "/run/buckypaper/status.json";
  std::string log_file = "/run/buckypaper/workload.log";
  std::string sysfs_root = "/sys";
  std::string dev_root = "/dev";
  std::string port_name = "org.buckypaper.agent.0";
  bool virtio_port = true;
  std::optional<SocketAddress> host_tcp;
  pid_t init_pid = 1;
  LogLevel log_level = LogLevel::info;
  std::optional<std::string> check_policy;  // validate this policy file and exit
};

Result<AgentOptions> parse_agent_options(const std::vector<std::string> &args);
const char *agent_usage();

}  // namespace bp
