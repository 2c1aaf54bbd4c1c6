// What bp-init tells bp-agent about the boot: the stages with their timings,
// and the workload's state and exit status. bp-init rewrites the file
// atomically (write_boot_status) whenever something changes, by default at
// /run/buckypaper/status.json; the agent reads it for the host channel's
// "status" request. The format is documented in agent/README.md:
//
//   {"version": 1, "flavour": "production", "updated_ms": 5210,
//    "stages": [{"name": "early", "state": "done", "start_ms": 10, "end_ms": 14},
//               {"name": "attest", "state": "running", "start_ms": 90}],
//    "workload": {"state": "not-started"}}
//
// Times are milliseconds of the monotonic clock (time since boot).
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"
#include "lib/json/json.h"

namespace bp {

constexpr size_t kMaxBootStatusSize = 64 * 1024;
constexpr size_t kMaxBootStages = 32;

enum class StageState { running, done, failed };
enum class WorkloadState { not_started, running, exited };
enum class BootFlavour { production, debug };

struct StageStatus {
  std::string name;  // 1..32 of [a-z0-9-]
  StageState state = StageState::running;
  uint64_t start_ms = 0;
  std::optional<uint64_t> end_ms;  // done and failed only, and then required
  std::string error;               // failed only, optional: why
};

struct WorkloadStatus {
  WorkloadState state = WorkloadState::not_started;
  // running and exited:
  uint64_t pid = 0;
  uint64_t started_ms = 0;
  // exited: when, and either the exit code (0..255) or the signal (1..64).
  uint64_t exited_ms = 0;
  std::optional<uint64_t> exit_code;
  std::optional<uint64_t> signal;
};

struct BootStatus {
  BootFlavour flavour = BootFlavour::production;
  uint64_t updated_ms = 0;
  std::vector<StageStatus> stages;
  WorkloadStatus workload;
};

const char *stage_state_name(StageState state);
const char *workload_state_name(WorkloadState state);
const char *boot_flavour_name(BootFlavour flavour);

// Strict: unknown keys, missing keys, fields that do not fit the state and
// inconsistent times are errors naming the JSON path.
Result<BootStatus> parse_boot_status(std::string_view text);
Result<Json> boot_status_json(const BootStatus &status);

Result<BootStatus> read_boot_status(const std::string &path);
// Checks the status is valid (what the reader would accept), then replaces
// the file atomically.
Status write_boot_status(const std::string &path, const BootStatus &status);

}  // namespace bp
