#include "agent/options.h"

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {

const char *agent_usage() {
  return "usage: bp-agent [--port N] [--api-features all|resource,evidence,token]\n"
         "                [--boot-resources FILE | --boot-resources-fd N] [--boot-only-resource "
         "kbs:///REPO/TYPE/TAG]...\n"
         "                [--policy FILE] [--status-file FILE] [--log-file FILE]\n"
         "                [--sysfs-root DIR] [--dev-root DIR] [--port-name NAME] [--no-virtio-port]\n"
         "                [--host-tcp [ADDR:]PORT] [--init-pid PID] [--log-level debug|info|warning|error]\n"
         "       bp-agent --check-policy FILE\n";
}

Result<AgentOptions> parse_agent_options(const std::vector<std::string> &args) {
  AgentOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return Error(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--port") {
      uint64_t port = TRY_CONTEXT(parse_u64(TRY(value())), "--port");
      if (port > 65535) return Error("--port: expected 0..65535");
      options.api_port = static_cast<uint16_t>(port);
    } else if (arg == "--api-features") {
      options.features = TRY_CONTEXT(parse_workload_api_features(TRY(value())), "--api-features");
    } else if (arg == "--boot-resources") {
      options.boot_resources = TRY(value());
    } else if (arg == "--boot-resources-fd") {
      uint64_t fd = TRY_CONTEXT(parse_u64(TRY(value())), "--boot-resources-fd");
      if (fd < 3 || fd > 1023) return Error("--boot-resources-fd: expected a descriptor from 3 to 1023");
      options.boot_resources_fd = static_cast<int>(fd);
    } else if (arg == "--boot-only-resource") {
      options.boot_only.push_back(
          TRY_CONTEXT(parse_resource_reference(TRY(value())), "--boot-only-resource"));
    } else if (arg == "--policy") {
      options.policy = TRY(value());
    } else if (arg == "--status-file") {
      options.status_file = TRY(value());
    } else if (arg == "--log-file") {
      options.log_file = TRY(value());
    } else if (arg == "--sysfs-root") {
      options.sysfs_root = TRY(value());
    } else if (arg == "--dev-root") {
      options.dev_root = TRY(value());
    } else if (arg == "--port-name") {
      options.port_name = TRY(value());
    } else if (arg == "--no-virtio-port") {
      options.virtio_port = false;
    } else if (arg == "--host-tcp") {
      options.host_tcp = TRY_CONTEXT(parse_ipv4_endpoint(TRY(value()), 0), "--host-tcp");
    } else if (arg == "--init-pid") {
      uint64_t pid = TRY_CONTEXT(parse_u64(TRY(value())), "--init-pid");
      if (pid == 0 || pid > 4194304) return Error("--init-pid: expected a process ID");
      options.init_pid = static_cast<pid_t>(pid);
    } else if (arg == "--log-level") {
      std::string level = TRY(value());
      if (level == "debug")
        options.log_level = LogLevel::debug;
      else if (level == "info")
        options.log_level = LogLevel::info;
      else if (level == "warning")
        options.log_level = LogLevel::warning;
      else if (level == "error")
        options.log_level = LogLevel::error;
      else
        return Error("--log-level: expected debug, info, warning or error");
    } else if (arg == "--check-policy") {
      options.check_policy = TRY(value());
    } else {
      return Error(format("unknown argument '%s'", arg.c_str()));
    }
  }
  return options;
}

}  // namespace bp
