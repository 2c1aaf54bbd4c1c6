// bp-agent: runs beside the workload for the life of the VM (DESIGN.md
// section 8). Two services:
//   - the workload API on 127.0.0.1 (workload_api.h), served by an HTTP
//     server thread pool (lib/http/server.h);
//   - the host control channel (host_channel.h) on the virtio-serial port
//     and optionally TCP, every request decided by the measured policy.
// Before serving anything it drops every capability, sets no_new_privs and
// confines itself with a seccomp allow list; exec (debug policies only) runs
// in a helper forked before that.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent_seccomp.h"
#include "agent/boot_resource_backend.h"
#include "agent/broker_backend.h"
#include "agent/exec_helper.h"
#include "agent/host_channel.h"
#include "agent/host_ops.h"
#include "agent/host_policy.h"
#include "agent/options.h"
#include "agent/privileges.h"
#include "agent/virtio_port.h"
#include "agent/workload_api.h"
#include "lib/core/clock.h"
#include "lib/core/format.h"
#include "lib/core/thread.h"
#include "lib/http/server.h"
#include "lib/kbs/tee_key.h"
#include "lib/net/tcp_listener.h"
#include "lib/snp/provider_select.h"

namespace bp {
namespace {

constexpr rlim_t kMaxLockedMemory = rlim_t{128} << 20;
constexpr size_t kApiWorkers = 20;  // 16 broker calls at most, and 4 for everything else

std::string allowed_text(const HostPolicy &policy) {
  std::string text;
  for (HostOp op : policy.allowed()) text += (text.empty() ? "" : ", ") + std::string(host_op_name(op));
  return text.empty() ? "nothing" : text;
}

int check_policy(const std::string &path) {
  auto policy = load_host_policy(path);
  if (!policy.ok()) {
    (void)fprintf(stderr, "bp-agent: %s\n", policy.error().message().c_str());
    return 1;
  }
  printf("%s: policy %s allows %s\n", path.c_str(), policy.value().name().c_str(),
         allowed_text(policy.value()).c_str());
  return 0;
}

Result<UniqueFd> termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  // Blocked before any thread starts, so every thread inherits the mask and
  // the signals arrive only through the signalfd.
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return Error::from_errno("sigprocmask", errno);
  UniqueFd fd(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd.valid()) return Error::from_errno("signalfd", errno);
  return fd;
}

// Responses with secrets are built in locked memory; once CAP_IPC_LOCK is
// gone RLIMIT_MEMLOCK applies, so it is raised while we still may.
void raise_locked_memory_limit(const Log &log) {
  struct rlimit limit = {kMaxLockedMemory, kMaxLockedMemory};
  if (setrlimit(RLIMIT_MEMLOCK, &limit) == 0) return;
  int err = errno;
  if (getrlimit(RLIMIT_MEMLOCK, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_MEMLOCK, &limit);
  }
  log.info("locked memory stays limited to %llu bytes (raising it: %s)",
           static_cast<unsigned long long>(limit.rlim_cur), strerror(err));
}

snp::ProviderChoice named_provider(const std::string &name) {
  if (name == "tsm") return snp::ProviderChoice::tsm;
  if (name == "sev-guest") return snp::ProviderChoice::sev_guest;
  return snp::ProviderChoice::sim;
}

struct Backend {
  std::unique_ptr<AgentBackend> backend;
  std::string provider;  // the provider the broker backend uses, for the seccomp filter; empty without
};

// The broker backend over the session bp-init handed over: the provider
// that attested at boot is opened now, before confinement.
Result<Backend> make_broker_backend(const AgentOptions &options, BootHandover handover, const Log &log) {
  BrokerHandover &session = *handover.broker;
  snp::ProviderSelection selection;
  selection.choice = named_provider(session.provider);
  selection.sim_enabled = session.provider == "sim";  // bp-init used it, so the measured config enabled it
  selection.sysfs_root = options.sysfs_root;
  selection.dev_root = options.dev_root;
  std::unique_ptr<snp::Provider> provider =
      TRY_CONTEXT(snp::select_provider(selection, log), "the attestation provider " + session.provider);
  BrokerBackendConfig config;
  config.kbs.url = session.url;
  config.kbs.ca_pem = session.ca_pem;
  config.kbs.allow_plain_http = session.allow_plain_http;
  config.kbs.attempt_timeout_ms =
      std::min<uint64_t>(config.kbs.attempt_timeout_ms, session.request_timeout_ms);
  config.request_timeout_ms = session.request_timeout_ms;
  config.vmpl = session.vmpl;
  kbs::TeeKey key = TRY(kbs::TeeKey::from_scalar(session.tee_key.view()));
  size_t boot_count = handover.resources.size();
  auto backend =
      TRY(BrokerBackend::create(std::move(config), std::move(handover.resources), std::move(session.token),
                                std::move(key), std::move(provider), log.stage("api")));
  log.info(
      "workload API: %zu resources from the boot; others from the broker at %s with the boot's token; "
      "evidence from %s",
      boot_count, session.url.c_str(), session.provider.c_str());
  return Backend{std::unique_ptr<AgentBackend>(backend.release()), session.provider};
}

// The workload API's backend, or why there is none.
Result<Backend> make_backend(const AgentOptions &options, const Log &log) {
  BootHandover handover;
  if (options.boot_resources_fd) {
    UniqueFd fd(*options.boot_resources_fd);
    handover = TRY(read_boot_handover_from(fd.get(), format("descriptor %d", fd.get())));
  } else {
    if (access(options.boot_resources.c_str(), F_OK) != 0)
      return Error(
          format("no boot resources were handed over (%s), so neither a boot cache nor a broker session",
                 options.boot_resources.c_str()));
    handover = TRY(read_boot_handover(options.boot_resources));
  }
  for (const BootResource &r : handover.resources) {
    for (const ResourcePath &boot_only : options.boot_only) {
      if (r.path == boot_only)
        log.warning("boot resource %s is boot-only and will not be served", r.path.uri().c_str());
    }
  }
  if (handover.broker) return make_broker_backend(options, std::move(handover), log);
  log.info(
      "workload API: %zu resources from the boot; no broker session was handed over, so other resources, "
      "evidence and tokens are refused",
      handover.resources.size());
  return Backend{std::unique_ptr<AgentBackend>(new BootResourceBackend(std::move(handover.resources))), ""};
}

Status run(const AgentOptions &options, const Log &log) {
  uint64_t started_ms = monotonic_ms();
  (void)signal(SIGPIPE, SIG_IGN);
  UniqueFd stop = TRY(termination_signals());

  auto loaded = load_host_policy(options.policy);
  HostPolicy policy = loaded.ok() ? loaded.release_value() : HostPolicy::deny_all(loaded.error().message());
  if (!policy.load_error().empty())
    log.error("host channel: no valid policy, every request is denied: %s", policy.load_error().c_str());
  else
    log.info("host channel: policy %s allows %s", policy.name().c_str(), allowed_text(policy).c_str());

  // Everything that needs privileges or files outside the allow list first.
  std::unique_ptr<AgentBackend> backend;
  UniqueFd api_listener;
  std::string provider;
  auto made = make_backend(options, log);
  if (!made.ok()) {
    log.error("workload API not started: %s", made.error().message().c_str());
  } else {
    backend = std::move(made.value().backend);
    provider = made.value().provider;
    api_listener = TRY(listen_tcp(SocketAddress::ipv4_loopback(options.api_port), 128));
    log.info("workload API listening on %s (features: %s)",
             TRY(local_address(api_listener.get())).to_string().c_str(),
             workload_api_features_text(options.features).c_str());
  }
  UniqueFd host_listener;
  if (options.host_tcp) {
    host_listener = TRY(listen_tcp(*options.host_tcp, 8));
    log.info("host channel listening on tcp %s", TRY(local_address(host_listener.get())).to_string().c_str());
  }
  std::unique_ptr<ExecHelper> exec_helper;
  if (policy.allows(HostOp::exec)) exec_helper = TRY(ExecHelper::start());

  raise_locked_memory_limit(log);
  TRY(drop_all_capabilities(log));
  TRY(set_no_new_privs());
  AgentSeccompOptions seccomp;
  seccomp.init_pid = options.init_pid;
  seccomp.broker = !provider.empty();
  seccomp.provider = provider;
  TRY(install_agent_seccomp(seccomp));
  log.info("capabilities dropped, no_new_privs set, seccomp allow list installed");

  // Threads only now: capabilities are per thread, and a thread started
  // before the drop would keep them.
  std::unique_ptr<HttpServer> server;
  Thread server_thread;
  std::unique_ptr<WorkloadApi> api;
  if (backend) {
    api = std::make_unique<WorkloadApi>(*backend, options.boot_only, options.features, log.stage("api"));
    WorkloadApi *handler = api.get();
    HttpServerLimits limits;
    // More workers than broker calls may run at once (BrokerBackendConfig),
    // so a slow broker never holds every worker.
    limits.worker_threads = kApiWorkers;
    server = TRY(HttpServer::create(
        std::move(api_listener),
        [handler](const ParsedHttpRequest &request, const SocketAddress &peer) {
          return handler->handle(request, peer);
        },
        limits, log.stage("api")));
    HttpServer *s = server.get();
    Log api_log = log.stage("api");
    server_thread = TRY(Thread::start([s, api_log] {
      Status status = s->run();
      if (!status.ok()) api_log.error("%s", status.error().message().c_str());
    }));
  }

  HostOpsConfig config;
  config.status_file = options.status_file;
  config.log_file = options.log_file;
  config.started_ms = started_ms;
  pid_t init_pid = options.init_pid;
  config.request_shutdown = [init_pid]() -> Status {
    if (kill(init_pid, SIGTERM) != 0)
      return Error::from_errno(format("signalling process %d", init_pid), errno);
    return {};
  };
  HostDispatcher dispatcher(std::move(policy), config, log.stage("host"));
  HostChannel channel(dispatcher, exec_helper.get(), HostChannelLimits{}, log.stage("host"));
  if (options.virtio_port) {
    std::string sysfs = options.sysfs_root, dev = options.dev_root, name = options.port_name;
    channel.set_port([sysfs, dev, name] { return open_virtio_port(sysfs, dev, name); });
  }
  if (host_listener.valid()) channel.set_tcp_listener(std::move(host_listener));
  Status served = channel.run(stop.get());

  log.info("stopping");
  if (server) {
    server->stop();
    server_thread.join();
  }
  return served;
}

}  // namespace
}  // namespace bp

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = bp::parse_agent_options(args);
  if (!options.ok()) {
    (void)fprintf(stderr, "bp-agent: %s\n%s", options.error().message().c_str(), bp::agent_usage());
    return 2;
  }
  if (options.value().check_policy) return bp::check_policy(*options.value().check_policy);
  bp::Log::Sinks sinks;
  sinks.threshold = options.value().log_level;
  bp::Log log("bp-agent", sinks);
  bp::Status status = bp::run(options.value(), log);
  if (!status.ok()) {
    log.error("%s", status.error().message().c_str());
    return 1;
  }
  return 0;
}
