#include "lib/agent/boot_status.h"

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"

namespace bp {
namespace {

constexpr size_t kMaxDepth = 4;
constexpr size_t kMaxStageName = 32;
constexpr size_t kMaxStageError = 1024;

Status check_stage_name(const std::string &name, const std::string &path) {
  if (name.empty() || name.size() > kMaxStageName)
    return Error(format("%s: a stage name has 1..%zu characters", path.c_str(), kMaxStageName));
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return Error(format("%s: '%s' is not a stage name (a-z, 0-9, -)", path.c_str(), name.c_str()));
  }
  return {};
}

Status check_stage(const StageStatus &stage, const std::string &path) {
  TRY(check_stage_name(stage.name, path + ".name"));
  bool finished = stage.state != StageState::running;
  if (finished != stage.end_ms.has_value())
    return Error(format("%s: end_ms is %s for a stage that is %s", path.c_str(),
                        finished ? "required" : "not allowed", stage_state_name(stage.state)));
  if (stage.end_ms && *stage.end_ms < stage.start_ms)
    return Error(format("%s: end_ms is before start_ms", path.c_str()));
  if (stage.state != StageState::failed && !stage.error.empty())
    return Error(format("%s: error is only for a stage that failed", path.c_str()));
  if (stage.error.size() > kMaxStageError)
    return Error(format("%s.error: longer than %zu bytes", path.c_str(), kMaxStageError));
  return {};
}

Status check_workload(const WorkloadStatus &w) {
  if (w.state == WorkloadState::exited) {
    if (w.exit_code.has_value() == w.signal.has_value())
      return Error("$.workload: an exited workload has exactly one of exit_code and signal");
    if (w.exit_code && *w.exit_code > 255) return Error("$.workload.exit_code: expected 0..255");
    if (w.signal && (*w.signal < 1 || *w.signal > 64)) return Error("$.workload.signal: expected 1..64");
    if (w.exited_ms < w.started_ms) return Error("$.workload: exited_ms is before started_ms");
  }
  if (w.state != WorkloadState::not_started && w.pid == 0)
    return Error("$.workload.pid: expected a process ID");
  return {};
}

}  // namespace

const char *stage_state_name(StageState state) {
  switch (state) {
    case StageState::running:
      return "running";
    case StageState::done:
      return "done";
    case StageState::failed:
      return "failed";
  }
  return "?";
}

const char *workload_state_name(WorkloadState state) {
  switch (state) {
    case WorkloadState::not_started:
      return "not-started";
    case WorkloadState::running:
      return "running";
    case WorkloadState::exited:
      return "exited";
  }
  return "?";
}

const char *boot_flavour_name(BootFlavour flavour) {
  return flavour == BootFlavour::debug ? "debug" : "production";
}

Result<BootStatus> parse_boot_status(std::string_view text) {
  Json root = TRY(parse_json(text, kMaxBootStatusSize, kMaxDepth));
  TRY(root.only_keys({"version", "flavour", "updated_ms", "stages", "workload"}));
  uint64_t version = TRY(root.get_u64("version"));
  if (version != 1)
    return Error(
        format("$.version: %llu is not supported (expected 1)", static_cast<unsigned long long>(version)));
  BootStatus status;
  status.flavour = TRY(root.get_enum<BootFlavour>(
      "flavour", {{"production", BootFlavour::production}, {"debug", BootFlavour::debug}}));
  status.updated_ms = TRY(root.get_u64("updated_ms"));

  std::vector<Json> stages = TRY(root.array("stages").elements());
  if (stages.size() > kMaxBootStages) return Error(format("$.stages: more than %zu stages", kMaxBootStages));
  for (const Json &s : stages) {
    TRY(s.only_keys({"name", "state", "start_ms", "end_ms", "error"}));
    StageStatus stage;
    stage.name = TRY(s.get_string("name"));
    stage.state = TRY(s.get_enum<StageState>(
        "state",
        {{"running", StageState::running}, {"done", StageState::done}, {"failed", StageState::failed}}));
    stage.start_ms = TRY(s.get_u64("start_ms"));
    stage.end_ms = TRY(s.optional_u64("end_ms"));
    stage.error = TRY(s.optional_string("error")).value_or("");
    TRY(check_stage(stage, s.path()));
    status.stages.push_back(std::move(stage));
  }

  Json w = TRY(root.object("workload"));
  WorkloadStatus &workload = status.workload;
  workload.state = TRY(w.get_enum<WorkloadState>("state", {{"not-started", WorkloadState::not_started},
                                                           {"running", WorkloadState::running},
                                                           {"exited", WorkloadState::exited}}));
  switch (workload.state) {
    case WorkloadState::not_started:
      TRY(w.only_keys({"state"}));
      break;
    case WorkloadState::running:
      TRY(w.only_keys({"state", "pid", "started_ms"}));
      workload.pid = TRY(w.get_u64("pid"));
      workload.started_ms = TRY(w.get_u64("started_ms"));
      break;
    case WorkloadState::exited:
      TRY(w.only_keys({"state", "pid", "started_ms", "exited_ms", "exit_code", "signal"}));
      workload.pid = TRY(w.get_u64("pid"));
      workload.started_ms = TRY(w.get_u64("started_ms"));
      workload.exited_ms = TRY(w.get_u64("exited_ms"));
      workload.exit_code = TRY(w.optional_u64("exit_code"));
      workload.signal = TRY(w.optional_u64("signal"));
      break;
  }
  TRY(check_workload(workload));
  return status;
}

Result<Json> boot_status_json(const BootStatus &status) {
  JsonArrayBuilder stages;
  for (size_t i = 0; i < status.stages.size(); ++i) {
    const StageStatus &s = status.stages[i];
    TRY(check_stage(s, format("$.stages[%zu]", i)));
    JsonObjectBuilder stage;
    stage.add_string("name", s.name)
        .add_string("state", stage_state_name(s.state))
        .add_u64("start_ms", s.start_ms);
    if (s.end_ms) stage.add_u64("end_ms", *s.end_ms);
    if (!s.error.empty()) stage.add_string("error", s.error);
    stages.add_object(std::move(stage));
  }
  const WorkloadStatus &w = status.workload;
  TRY(check_workload(w));
  JsonObjectBuilder workload;
  workload.add_string("state", workload_state_name(w.state));
  if (w.state != WorkloadState::not_started)
    workload.add_u64("pid", w.pid).add_u64("started_ms", w.started_ms);
  if (w.state == WorkloadState::exited) {
    workload.add_u64("exited_ms", w.exited_ms);
    if (w.exit_code) workload.add_u64("exit_code", *w.exit_code);
    if (w.signal) workload.add_u64("signal", *w.signal);
  }
  if (status.stages.size() > kMaxBootStages)
    return Error(format("$.stages: more than %zu stages", kMaxBootStages));
  JsonObjectBuilder root;
  root.add_u64("version", 1)
      .add_string("flavour", boot_flavour_name(status.flavour))
      .add_u64("updated_ms", status.updated_ms)
      .add_array("stages", std::move(stages))
      .add_object("workload", std::move(workload));
  return root.build();
}

Result<BootStatus> read_boot_status(const std::string &path) {
  std::string text = TRY(read_text_file(path, kMaxBootStatusSize));
  return TRY_CONTEXT(parse_boot_status(text), path);
}

Status write_boot_status(const std::string &path, const BootStatus &status) {
  Json json = TRY(boot_status_json(status));
  std::string text = TRY(json_compact(json));
  text += "\n";
  return write_file_atomic(path, ByteView::of_string(text), 0644);
}

}  // namespace bp
