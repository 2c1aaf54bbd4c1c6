#include "init/boot.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include "init/agent_launch.h"
#include "init/boot_secrets.h"
#include "init/config_parse.h"
#include "init/disks.h"
#include "init/early.h"
#include "init/handover.h"
#include "init/network.h"
#include "init/power_button.h"
#include "init/power_off.h"
#include "init/stage.h"
#include "init/supervise.h"
#include "lib/agent/boot_status.h"
#include "lib/core/file_io.h"
#include "lib/crypto/random.h"
#include "lib/kbs/attest.h"
#include "lib/oci/spec_json.h"
#include "lib/seccomp/compile.h"
#include "lib/seccomp/profile_json.h"
#include "lib/snp/provider_select.h"

namespace bp {
namespace {

constexpr const char *kDefaultSeccompProfile = "/etc/buckypaper/seccomp-default.json";
constexpr const char *kStatusFile = "/run/buckypaper/status.json";

// What the agent reports to the host: the stages so far and the workload.
class StatusPublisher {
 public:
  StatusPublisher(const StageTimeline &timeline, const Log &log) : timeline_(timeline), log_(log) {}

  void set_flavour(Flavour flavour) {
    status_.flavour = flavour == Flavour::debug ? BootFlavour::debug : BootFlavour::production;
  }
  void workload_started(pid_t pid) {
    status_.workload.state = WorkloadState::running;
    status_.workload.pid = static_cast<uint64_t>(pid);
    status_.workload.started_ms = monotonic_ms();
    publish();
  }
  void workload_exited(const WorkloadExit &exit) {
    status_.workload.state = WorkloadState::exited;
    status_.workload.exited_ms = monotonic_ms();
    if (exit.signaled) {
      status_.workload.signal = static_cast<uint64_t>(exit.code);
    } else {
      status_.workload.exit_code = static_cast<uint64_t>(exit.code);
    }
    publish();
  }
  // Best effort: without /run (the early stage failed) there is no agent to read it.
  void publish() {
    status_.updated_ms = monotonic_ms();
    status_.stages.clear();
    for (const StageRecord &record : timeline_.records()) {
      StageStatus stage;
      stage.name = record.name;
      stage.start_ms = record.started_ms;
      if (record.state != StageRecord::State::running) stage.end_ms = record.started_ms + record.elapsed_ms;
      stage.state = record.state == StageRecord::State::done     ? StageState::done
                    : record.state == StageRecord::State::failed ? StageState::failed
                                                                 : StageState::running;
      stage.error = record.error;
      status_.stages.push_back(std::move(stage));
    }
    (void)mkdir("/run/buckypaper", 0700);
    Status written = write_boot_status(kStatusFile, status_);
    if (!written.ok() && !warned_) {
      log_.warning("status for the agent not written: %s", written.error().message().c_str());
      warned_ = true;
    }
  }

 private:
  const StageTimeline &timeline_;
  const Log &log_;
  BootStatus status_;
  bool warned_ = false;
};

Result<kbs::AttestResult> attest_stage(const InitConfig &config, Random &random, const Log &log) {
  snp::ProviderSelection selection;
  selection.choice = config.attestation.provider;
  selection.sim_enabled = config.attestation.allow_sim;
  // Closed when this stage returns: the sim port has room for one process,
  // and bp-agent opens it again for evidence and re-attestation.
  auto provider = TRY(snp::select_provider(selection, log));
  log.info("provider %s", provider->name());

  kbs::AttestConfig attest;
  attest.kbs.url = config.broker.url;
  attest.kbs.allow_plain_http = config.broker.allow_plain_http;
  if (!config.broker.ca_cert.empty())
    attest.kbs.ca_pem = TRY(read_text_file(config.broker.ca_cert, kMaxBrokerCaSize));
  attest.deadline_ms = config.broker.deadline_ms;
  for (const ResourceConfig &resource : config.resources) {
    kbs::ResourceRequest request;
    request.name = resource.name;
    request.path = TRY(kbs::make_resource_path(resource.repository, resource.type, resource.tag));
    attest.resources.push_back(std::move(request));
  }
  kbs::AttestResult result = TRY(kbs::attest(attest, *provider, random, log));
  log.info("%zu resources released; %u TLS handshake(s), %u round trips", result.resources.size(),
           result.counters.handshakes, result.counters.round_trips);
  return result;
}

struct Workload {
  Supervisor supervisor;
  WorkloadProcess process;
  std::vector<UniqueFd> power_buttons;
};

Result<Workload> handover_stage(const InitConfig &config, const DisksStageResult &disks,
                                const DisksStageOptions &paths, int agent_secrets_fd, const Log &log) {
  std::vector<UniqueFd> buttons = open_power_buttons();
  SupervisorConfig supervision;
  supervision.grace_period_ms = config.workload.grace_period_ms;
  for (const UniqueFd &fd : buttons) supervision.power_button_fds.push_back(fd.get());
  AgentCommand agent{config.agent.path,
                     {"--policy", config.agent.policy, "--boot-resources-fd", "3", "--api-features",
                      config.agent.api_features, "--status-file", kStatusFile},
                     agent_secrets_fd};
  for (const ResourceConfig &resource : config.resources) {
    if (resource.use == ResourceUse::workload_secret) continue;
    agent.args.push_back("--boot-only-resource");
    agent.args.push_back("kbs:///" + resource.repository + "/" + resource.type + "/" + resource.tag);
  }
  if (agent_present(agent)) supervision.agent = agent;
  Supervisor supervisor = TRY(Supervisor::create(supervision, log.stage("supervise")));

  std::string bundle = paths.root_mount + "/" + config.workload.bundle;
  RuntimeSpec spec = TRY(load_runtime_spec(bundle + "/config.json"));
  SeccompProfile profile = spec.seccomp ? *spec.seccomp : TRY(load_seccomp_profile(kDefaultSeccompProfile));
  CompiledFilter filter = TRY(compile_seccomp(profile));
  for (const std::string &warning : filter.warnings) log.warning("seccomp: %s", warning.c_str());
  log.info("seccomp: %s profile", spec.seccomp ? "the bundle's" : "the image's default");

  if (supervision.agent) {
    TRY(supervisor.start_agent());
  } else {
    log.warning("no agent at %s: the workload API and the host channel are not available",
                config.agent.path.c_str());
  }
  HandoverParams params;
  params.bundle_dir = bundle;
  if (disks.data) params.data_dir = paths.data_mount;
  params.seccomp = &filter;
  WorkloadProcess process = TRY(start_workload(spec, params));
  log.info("workload started: pid %d", static_cast<int>(process.pid));
  return Workload{std::move(supervisor), std::move(process), std::move(buttons)};
}

}  // namespace

BootOutcome run_boot(const Log &console_log) {
  BootOutcome outcome;
  outcome.failed = true;
  Log log = console_log;
  StageTimeline timeline(log);
  StatusPublisher status(timeline, log);

  auto early = timeline.run("early", [](const Log &) { return run_early_stage(); });
  if (!early.ok()) return outcome;
  int kmsg = early.value().kmsg.get();
  log = Log("bp-init", Log::Sinks{2, kmsg, LogLevel::info});  // from here on also in the kernel log

  auto config = timeline.run("config", [](const Log &) { return load_init_config(); });
  status.publish();
  if (!config.ok()) return outcome;
  const InitConfig &cfg = config.value();
  outcome.debug_flavour = cfg.flavour == Flavour::debug;
  status.set_flavour(cfg.flavour);
  log = Log("bp-init", Log::Sinks{2, kmsg, cfg.log_level});

  Status network = timeline.run("network", [&](const Log &l) { return run_network_stage(cfg.network, l); });
  status.publish();
  if (!network.ok()) return outcome;

  auto random = Random::create(ByteView::of_string("bp-init"));
  if (!random.ok()) {
    log.error("random generator: %s", random.error().message().c_str());
    return outcome;
  }
  auto released = timeline.run("attest", [&](const Log &l) { return attest_stage(cfg, random.value(), l); });
  status.publish();
  if (!released.ok()) return outcome;
  auto secrets_fd = agent_secrets_memfd(cfg, released.value());
  if (!secrets_fd.ok()) {
    log.error("handing the workload secrets to the agent: %s", secrets_fd.error().message().c_str());
    return outcome;
  }

  DisksStageOptions paths;
  // Afterwards every secret is in the kernel (disk keys) or the memfd
  // (workload secrets, token, TEE key), whatever happened: released is empty.
  auto disks = timeline.run("disks", [&](const Log &l) {
    return run_disks_with_released_keys(cfg, released.value(), random.value(), l, paths);
  });
  status.publish();
  if (!disks.ok()) return outcome;

  auto workload = timeline.run("handover", [&](const Log &l) {
    return handover_stage(cfg, disks.value(), paths, secrets_fd.value().get(), l);
  });
  if (workload.ok()) {
    status.workload_started(workload.value().process.pid);
    auto exit = timeline.run("supervise", [&](const Log &) {
      return workload.value().supervisor.run(std::move(workload.value().process));
    });
    if (exit.ok()) {
      log.info("workload %s", exit.value().describe().c_str());
      status.workload_exited(exit.value());
      outcome.workload_ran = true;
      outcome.workload_status = exit.value().shell_status();
      outcome.failed = false;
    }
  }
  status.publish();
  Status shutdown = timeline.run("shutdown", [&](const Log &l) -> Status {
    kill_remaining_processes();
    sync();
    return teardown_disks(disks.value(), l);
  });
  if (!shutdown.ok()) outcome.failed = true;
  return outcome;
}

}  // namespace bp
